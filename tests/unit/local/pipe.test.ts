/**
 * The pipe's records (GetRecords' wire JSON, as DynamoDB Local answers it) and
 * input templates; the stream polling itself is covered by the integration
 * tests against DynamoDB Local.
 */
import { describe, expect, it } from 'vitest';
import { renderTemplate, toPipeRecord } from '../../../local/pipe.ts';

const record = toPipeRecord(
  {
    eventID: 'e1', eventName: 'INSERT', eventVersion: '1.1', eventSource: 'aws:dynamodb', awsRegion: 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: 1767225660, SequenceNumber: '100', SizeBytes: 10, StreamViewType: 'NEW_IMAGE',
      Keys: { PK: { S: 'P' }, SK: { S: 'EVENT#1' } },
      NewImage: { kind: { S: 'event' }, source: { S: 'onestop.catalog' }, detail: { S: '{"eventId":"1","data":{"a":"x"}}' }, n: { N: '5' }, bin: { B: 'AQI=' } },
    },
  },
  'arn:aws:dynamodb:us-east-1:000000000000:table/T/stream/2026',
);

describe('pipe records', () => {
  it('look like the Lambda/Pipes DynamoDB stream event', () => {
    expect(record).toMatchObject({
      eventID: 'e1', eventName: 'INSERT', eventSource: 'aws:dynamodb', eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/T/stream/2026',
      dynamodb: { ApproximateCreationDateTime: 1767225660, SequenceNumber: '100', NewImage: { kind: { S: 'event' }, n: { N: '5' }, bin: { B: 'AQI=' } } },
    });
  });
});

describe('input templates', () => {
  it.each([
    ['<$.dynamodb.NewImage.detail.S>', '{"eventId":"1","data":{"a":"x"}}'],
    ['{"k": <$.dynamodb.NewImage.n>, "s": "<$.dynamodb.NewImage.source.S>"}', '{"k": {"N":"5"}, "s": "onestop.catalog"}'],
    ['<$.missing.path>', ''],
    ['<aws.pipes.pipe-name>/<$.eventName>', 'P/INSERT'],
  ])('%s', (template, expected) => {
    expect(renderTemplate(template, record, { 'aws.pipes.pipe-name': 'P' })).toBe(expected);
  });

  it('inserts the whole record for <aws.pipes.event.json>', () => {
    expect(JSON.parse(renderTemplate('<aws.pipes.event.json>', record))).toEqual(record);
  });

  it('refuses variables it does not know', () => {
    expect(() => renderTemplate('<aws.pipes.unknown>', record)).toThrow(/not supported/);
  });
});
