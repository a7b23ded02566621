/**
 * The notifications API: a case's delivery log, for whoever may read the case
 * (the cases domain's rule, through its public module).
 */
import { msg } from '#schemas/api/problems';
import { callerOf } from '#shared/auth';
import { notFound } from '#shared/errors';
import { httpHandler } from '#shared/http';
import { assertMayRead, caseContext } from '../cases/public.ts';
import { notificationRoutes } from './routes.ts';
import { deliveriesOf } from './store.ts';

export const handler = httpHandler(notificationRoutes, {
  async listCaseNotifications(req) {
    const caller = callerOf(req.event);
    const ctx = await caseContext(caller.centerId, req.params.caseNo, new Date().toISOString(), req.checks!.keys);
    req.checks!.settle(ctx.found);
    if (!ctx.record) throw notFound(msg(`没有办件 ${req.params.caseNo}。`, `No case ${req.params.caseNo}.`));
    await assertMayRead(caller, ctx.record);
    return { status: 200, body: { items: await deliveriesOf(caller.centerId, req.params.caseNo) } };
  },
});
