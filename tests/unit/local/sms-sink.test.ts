/**
 * The local SMS sink speaks SNS Publish as the real @aws-sdk/client-sns sends
 * it (awsQuery), keeps what it accepted for GET /local/sms, and refuses what
 * SNS would refuse or what it does not serve.
 */
import { LocalClock } from '../../../local/lambda/clock.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { startApiServer, type ApiServer } from '../../../local/api/server.ts';
import { LocalAuthorizer } from '../../../local/auth/authorizer.ts';
import { LocalIssuer } from '../../../local/auth/issuer.ts';
import { localEndpoints } from '../../../local/local-endpoints.ts';
import { SmsSink } from '../../../local/sns/sms-sink.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'onestop-sms-'));
let api: ApiServer;
let apiUrl: string;
let sns: SNSClient;

beforeAll(async () => {
  api = await startApiServer(0, '127.0.0.1');
  apiUrl = `http://localhost:${api.port}`;
  const issuer = new LocalIssuer(dataDir, `${apiUrl}/local`, 'local-client');
  const local = localEndpoints({ issuer, sms: new SmsSink(), faults: () => {}, dlq: { list: async () => [], redrive: async () => ({ redriven: 0, failed: 0 }), remove: async () => 0 }, stats: () => ({}), clock: new LocalClock() });
  api.attach({ authorizer: new LocalAuthorizer(issuer), invoke: () => Promise.reject(new Error('no functions')), log: () => {}, local });
  sns = new SNSClient({ endpoint: `${apiUrl}/local/sns`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});

afterAll(async () => {
  sns?.destroy();
  await api?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('SMS sink (SNS Publish)', () => {
  it('accepts an SMS to an E.164 number and returns it at GET /local/sms', async () => {
    const out = await sns.send(new PublishCommand({
      PhoneNumber: '+8613812345678',
      Message: '【政务服务中心】您的申请已受理',
      MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
    }));
    expect(out.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    const { messages } = (await (await fetch(`${apiUrl}/local/sms`)).json()) as { messages: { messageId: string; phoneNumber: string; message: string; attributes: Record<string, string> }[] };
    expect(messages.at(-1)).toMatchObject({ messageId: out.MessageId, phoneNumber: '+8613812345678', message: '【政务服务中心】您的申请已受理', attributes: { 'AWS.SNS.SMS.SMSType': 'Transactional' } });
  });

  it('refuses a number that is not E.164 and a topic publish, as errors the SDK reports', async () => {
    await expect(sns.send(new PublishCommand({ PhoneNumber: '13812345678', Message: 'x' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Message: 'x' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});
