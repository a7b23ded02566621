/**
 * An SNS `Publish` endpoint for SMS (PhoneNumber + Message), as the AWS SDK's
 * @aws-sdk/client-sns calls it (the awsQuery protocol: a form-encoded POST,
 * an XML reply). Handlers reach it through AWS_ENDPOINT_URL_SNS, so the code
 * path is the production one; the sink keeps what was sent for tests
 * (`GET /local/sms`) instead of reaching a phone. Only Publish to a phone
 * number is served; anything else is refused so a gap never passes silently.
 */
import { randomUUID } from 'node:crypto';
import type { HttpResult } from '../api/payload.ts';

export interface SentSms {
  readonly messageId: string;
  readonly phoneNumber: string;
  readonly message: string;
  readonly attributes: Record<string, string>;
  readonly at: string;
}

const xml = (status: number, body: string): HttpResult => ({ status, headers: [['content-type', 'text/xml']], body: Buffer.from(body) });

const error = (status: number, code: string, message: string) =>
  xml(status, `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`);

/** E.164, as SNS requires for SMS. */
const E164 = /^\+[1-9]\d{6,14}$/;

export class SmsSink {
  private readonly sent: SentSms[] = [];

  list(): readonly SentSms[] {
    return this.sent;
  }

  handle(body: Buffer): HttpResult {
    const form = new URLSearchParams(body.toString('utf8'));
    if (form.get('Action') !== 'Publish') return error(400, 'InvalidAction', `the local SNS serves Publish only, not ${form.get('Action')}`);
    const phoneNumber = form.get('PhoneNumber');
    const message = form.get('Message');
    if (!phoneNumber || form.get('TopicArn') || form.get('TargetArn')) return error(400, 'InvalidParameter', 'the local SNS sends SMS to a PhoneNumber only');
    if (!E164.test(phoneNumber)) return error(400, 'InvalidParameter', 'Invalid parameter: PhoneNumber Reason: must be E.164');
    if (!message) return error(400, 'InvalidParameter', 'Invalid parameter: Message');
    const attributes: Record<string, string> = {};
    for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
      attributes[form.get(`MessageAttributes.entry.${i}.Name`)!] = form.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? '';
    }
    const messageId = randomUUID();
    this.sent.push({ messageId, phoneNumber, message, attributes, at: new Date().toISOString() });
    return xml(200, `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`);
  }
}
