/**
 * The notifications API: a case's delivery log, for whoever may read the case
 * (the rule of functions/cases/access.ts).
 */
import { callerOf } from '#shared/auth';
import { notFound } from '#shared/errors';
import { httpHandler } from '#shared/http';
import { assertMayRead } from '../cases/access.ts';
import { caseContext } from '../cases/store.ts';
import { notificationRoutes } from './routes.ts';
import { deliveriesOf } from './store.ts';

export const handler = httpHandler(notificationRoutes, {
  async listCaseNotifications(req) {
    const caller = callerOf(req.event);
    const ctx = await caseContext(caller.centerId, req.params.caseNo, [], caller.userId);
    req.account!.verify(ctx.account);
    if (!ctx.record) throw notFound(`No case ${req.params.caseNo}.`);
    assertMayRead(caller, ctx.record);
    return { status: 200, body: { items: await deliveriesOf(caller.centerId, req.params.caseNo) } };
  },
});
