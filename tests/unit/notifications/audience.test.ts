/**
 * The channels a message goes by (functions/notifications/audience.ts): what
 * the account holder chose, or one channel by default (decision 120).
 */
import { describe, expect, it } from 'vitest';
import { accountAudience, defaultChannel } from '../../../functions/notifications/audience.ts';

describe('the default channel', () => {
  it.each([
    ['13912345678', 'li@example.com', 'sms'],
    ['+86 139 1234 5678', undefined, 'sms'],
    ['0731-88886666', 'li@example.com', 'email'], // a landline takes no SMS
    [undefined, 'li@example.com', 'email'],
    [undefined, undefined, 'email'], // skipped at delivery for want of an address, as the log says
  ])('phone %s, email %s → %s', (phone, email, channel) => expect(defaultChannel({ phone, email })).toBe(channel));
});

describe("an account holder's audience", () => {
  const contact = { email: 'li@example.com', phone: '13912345678' };

  it('one who never chose: the default channel alone, in Chinese, marked as the default', () => {
    expect(accountAudience(contact)).toEqual({ language: 'zh-CN', channels: ['sms'], byDefault: true, contact });
    expect(accountAudience({ ...contact, notifications: { language: 'en' } })).toEqual({ language: 'en', channels: ['sms'], byDefault: true, contact });
    expect(accountAudience({ email: 'li@example.com', phone: '0731-88886666' }).channels).toEqual(['email']);
  });

  it('one who chose: exactly those channels, none included', () => {
    expect(accountAudience({ ...contact, notifications: { channels: ['sms', 'email'], language: 'zh-CN' } })).toMatchObject({ channels: ['sms', 'email'], byDefault: false });
    expect(accountAudience({ ...contact, notifications: { channels: ['email'], language: 'en', events: 'all' } })).toEqual({ language: 'en', channels: ['email'], byDefault: false, contact });
    expect(accountAudience({ ...contact, notifications: { channels: [], language: 'zh-CN' } })).toMatchObject({ channels: [], byDefault: false });
  });

  it('no profile: nowhere to reach, in Chinese', () => {
    expect(accountAudience(undefined)).toEqual({ language: 'zh-CN', channels: ['email'], byDefault: true, contact: { email: undefined, phone: undefined } });
  });
});
