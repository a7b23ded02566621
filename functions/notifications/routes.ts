import type { RouteSpec } from '#shared/route-spec';
import { CasePath } from '#schemas/api/cases';
import { DeliveryLog } from '#schemas/api/notifications';

export const notificationRoutes = [
  {
    operationId: 'listCaseNotifications', method: 'GET', path: '/cases/{caseNo}/notifications', access: 'jwt', accountCheck: 'inline',
    summary: 'The messages sent about a case (SMS and email), with their delivery status; addresses masked',
    params: CasePath, responses: { 200: DeliveryLog },
  },
] as const satisfies readonly RouteSpec[];
