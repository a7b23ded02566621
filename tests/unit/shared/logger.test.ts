/**
 * functions/shared/logger.ts writes the lines Powertools' Logger wrote before
 * it (decision 69): what CloudWatch queries, the bench and the local cloud's
 * log readers rely on.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Logger } from '#shared/logger';

const env = { ...process.env };
afterEach(() => {
  process.env = { ...env };
  vi.restoreAllMocks();
});

function capture() {
  const lines: { stream: 'out' | 'err'; line: Record<string, unknown> }[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((text) => (lines.push({ stream: 'out', line: JSON.parse(String(text)) }), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((text) => (lines.push({ stream: 'err', line: JSON.parse(String(text)) }), true));
  return lines;
}

describe('logger', () => {
  it('writes one JSON line: level, message, timestamp, service, sampling rate, trace id, then the keys', () => {
    Object.assign(process.env, { POWERTOOLS_SERVICE_NAME: 'cases', LOG_LEVEL: 'INFO', _X_AMZN_TRACE_ID: 'Root=1-abc-def;Parent=12;Sampled=1' });
    const lines = capture();
    const logger = new Logger();
    logger.appendKeys({ requestId: 'r1', routeKey: undefined });
    logger.info('request', { status: 200, big: 12n, empty: '', none: null, message: 'not this', service: 'nor this' });
    logger.debug('below the level');
    expect(lines).toEqual([{ stream: 'out', line: { level: 'INFO', message: 'request', timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), service: 'cases', sampling_rate: 0, xray_trace_id: '1-abc-def', requestId: 'r1', status: 200, big: '12' } }]);
    expect(Object.keys(lines[0]!.line).slice(0, 6)).toEqual(['level', 'message', 'timestamp', 'service', 'sampling_rate', 'xray_trace_id']);
  });

  it('writes warnings and errors to stderr, errors as name, location, message, stack and cause', () => {
    const lines = capture();
    const logger = new Logger();
    const cause = new TypeError('inner');
    logger.error('unhandled error', { error: Object.assign(new Error('boom', { cause }), { code: 'E1' }) });
    logger.warn('slow');
    expect(lines.map((l) => l.stream)).toEqual(['err', 'err']);
    expect(lines[0]!.line.error).toEqual({
      name: 'Error', location: expect.any(String), message: 'boom', stack: expect.stringContaining('Error: boom'),
      cause: { name: 'TypeError', location: expect.any(String), message: 'inner', stack: expect.any(String) }, code: 'E1',
    });
    expect(lines[0]!.line.service).toBe('service_undefined');
  });

  it('takes its level from POWERTOOLS_LOG_LEVEL, else LOG_LEVEL, raised to AWS_LAMBDA_LOG_LEVEL', () => {
    const lines = capture();
    Object.assign(process.env, { LOG_LEVEL: 'DEBUG' });
    new Logger().debug('shown');
    Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'ERROR' });
    new Logger().warn('hidden');
    Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'DEBUG', AWS_LAMBDA_LOG_LEVEL: 'WARN' });
    const raised = new Logger();
    raised.info('hidden');
    raised.warn('shown');
    expect(lines.map((l) => l.line.message)).toEqual(['shown', 'shown']);
  });
});
