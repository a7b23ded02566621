/**
 * The `detail` of every OneStop event on the bus (DESIGN §6), with the data of
 * one detail-type plugged in. Consumers validate what they receive against it.
 */
import * as Type from '@sinclair/typebox/type';
import type { Static, TSchema } from '@sinclair/typebox';
import { StringEnum, serviceRoleNames, userRoles } from '../api/common.ts';

/** Who acted: a person's role, a calling system's (the 12345 hotline), or `system` for schedules and consumers. */
export const Role = StringEnum([...userRoles, ...serviceRoleNames, 'system'] as const);
export type Role = Static<typeof Role>;

export const Actor = Type.Object(
  { id: Type.String({ minLength: 1 }), role: Role, departmentId: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
export type Actor = Static<typeof Actor>;

export const Subject = Type.Object(
  { type: Type.String({ pattern: '^[a-z][a-z_]{1,31}$' }), id: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export type Subject = Static<typeof Subject>;

export const envelope = <T extends TSchema>(data: T) =>
  Type.Object(
    {
      eventId: Type.String({ pattern: '^[0-9A-HJKMNP-TV-Z]{26}$', description: 'ULID' }),
      centerId: Type.String({ minLength: 1 }),
      occurredAt: Type.String({ format: 'date-time' }),
      actor: Actor,
      subject: Subject,
      version: Type.Literal(1, { description: 'Version of this detail-type\'s schema' }),
      data,
    },
    { additionalProperties: false },
  );

/** Any OneStop event, data unchecked: what the audit log accepts from every domain. */
export const AnyEvent = envelope(Type.Record(Type.String(), Type.Unknown()));
export type AnyEvent = Static<typeof AnyEvent>;
