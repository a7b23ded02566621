/**
 * The hall's live displays (叫号屏) and window terminals over the WebSocket API:
 * what a display connects with and the messages it is pushed. Public and
 * read-only: a ticket shows its number only, never who holds it; a window its
 * name and state, never who works it.
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { WaitingCounts } from '../events/queue.ts';
import { closed, CenterId, WindowId, TicketNo } from './common.ts';
import { WindowState } from './queue.ts';

const Instant = Type.String({ format: 'date-time' });

/** The `$connect` query: the center whose hall is shown, and the window when the device is a window terminal. */
export const HallConnectQuery = Type.Object({ centerId: CenterId, windowId: Type.Optional(WindowId) }, closed);
export type HallConnectQuery = Static<typeof HallConnectQuery>;

/** A ticket called (or recalled: `calls` 2, 3…) to a window. */
export const CalledMessage = Type.Object({
  type: Type.Literal('called'),
  ticketNo: TicketNo,
  windowId: WindowId,
  windowName: Type.String(),
  calledAt: Instant,
  calls: Type.Integer({ minimum: 1, description: '1 on the first call, 2 on the first recall…' }),
}, closed);
export type CalledMessage = Static<typeof CalledMessage>;

/** The center's waiting counts per category after the change (the event's own). */
export const WaitingMessage = Type.Object({ type: Type.Literal('waiting'), waiting: WaitingCounts }, closed);
export type WaitingMessage = Static<typeof WaitingMessage>;

/**
 * A window's state after a queue event, as the board's `windows` tell it (呼叫中 / 办理中 / 空闲):
 * calling or serving a ticket (its number), or idle (the visit ended, the ticket was missed or
 * transferred away). `since` is the event's instant: events may arrive out of order, and a
 * screen keeps the newest state of each window.
 */
export const WindowMessage = Type.Object({
  type: Type.Literal('window'),
  windowId: WindowId,
  windowName: Type.String(),
  state: WindowState,
  ticketNo: Type.Optional(TicketNo),
  since: Instant,
}, closed);
export type WindowMessage = Static<typeof WindowMessage>;

/** The answer to a display's keep-alive (any message it sends: API Gateway closes a connection idle for 10 minutes). */
export const PongMessage = Type.Object({ type: Type.Literal('pong') }, closed);

export const HallMessage = Type.Union([CalledMessage, WindowMessage, WaitingMessage, PongMessage]);
export type HallMessage = Static<typeof HallMessage>;

