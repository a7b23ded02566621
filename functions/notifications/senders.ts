/**
 * The two channels: email through SES v2 and SMS through SNS (a phone-number
 * Publish). The local cloud serves both APIs (the SES sink, the SMS sink), so
 * the code path is the production one.
 */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { requiredEnv } from '#shared/db';
import type { Message } from './templates.ts';

const ses = new SESv2Client({});
const sns = new SNSClient({});

export async function sendEmail(to: readonly string[], message: Pick<Message, 'subject' | 'text'>): Promise<string> {
  const out = await ses.send(
    new SendEmailCommand({
      FromEmailAddress: requiredEnv('MAIL_FROM'),
      Destination: { ToAddresses: [...to] },
      Content: { Simple: { Subject: { Data: message.subject, Charset: 'UTF-8' }, Body: { Text: { Data: message.text, Charset: 'UTF-8' } } } },
    }),
  );
  return out.MessageId ?? '';
}

export async function sendSms(phoneE164: string, text: string): Promise<string> {
  const out = await sns.send(
    new PublishCommand({
      PhoneNumber: phoneE164,
      Message: text,
      // Case notices are transactional: delivered even to numbers that opted out of promotions.
      MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
    }),
  );
  return out.MessageId ?? '';
}
