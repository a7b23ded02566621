/**
 * Who hears of an event and by which channels (pure: no I/O).
 *
 * Until applicants choose, a message goes by one channel (decision 120): SMS
 * when their phone is a mobile number, as centers tell applicants (短信通知),
 * else email. The SMS names the case and points to its page and documents,
 * where the full text is; applicants who also want every message in their
 * mailbox choose both channels on their profile.
 */
import type { Delivery } from '#schemas/api/notifications';
import { defaultNotificationPreferences, type NotificationPreferences } from '#schemas/api/applicants';
import type { Language } from './templates.ts';

export type Channel = Delivery['channel'];

/** Who hears of an event: the channels they take, whether by default, their addresses and language. */
export interface Audience {
  readonly language: Language;
  readonly channels: readonly Channel[];
  /** true: the default channel, not a choice of theirs (the log says so of the channel left out). */
  readonly byDefault: boolean;
  readonly contact: { readonly email?: string; readonly phone?: string };
}

/** A mainland mobile number in E.164 (+86 1xx…), or undefined for landlines and anything else SMS cannot reach. */
export function mobileE164(phone: string): string | undefined {
  const digits = phone.replace(/[\s-]/g, '');
  const m = /^(?:\+?86)?(1[3-9]\d{9})$/.exec(digits);
  return m ? `+86${m[1]}` : undefined;
}

/** The one channel of someone who chose none: SMS to a mobile number, else email (skipped for want of an address when there is none). */
export const defaultChannel = (contact: Audience['contact']): Channel => (contact.phone && mobileE164(contact.phone) ? 'sms' : 'email');

/** An account holder's audience (an applicant, an agent, a certificate's holder): their preferences, or the default channel in Chinese. */
export function accountAudience(profile: { email?: string; phone?: string; notifications?: NotificationPreferences } | undefined): Audience {
  const prefs = profile?.notifications ?? defaultNotificationPreferences;
  const contact = { email: profile?.email, phone: profile?.phone };
  return {
    language: prefs.language,
    channels: prefs.channels ?? [defaultChannel(contact)],
    byDefault: prefs.channels === undefined,
    contact,
  };
}
