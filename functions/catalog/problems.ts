/**
 * The business rules of the catalog domain a request can break, each with its own
 * problem type (schemas/api/problems.ts explains the scheme); the OpenAPI
 * document lists them. A version in the wrong status for an action is the
 * generic `wrong-state`; a code already in use is `already-exists`.
 */
import { defineProblems, msg } from '#schemas/api/problems';

export const catalogProblems = defineProblems({
  'item-content-invalid': {
    status: 422, title: msg('事项内容不符合要求', 'Item content does not fit the rules'),
    about: 'The guide breaks a rule across its fields: the promised limit above the statutory one, a promised limit that does not fit the service mode, co-departments on an item that is not joint (or none on a joint one), a material id used twice, or intake fields that are not a usable JSON Schema; `errors` names each.',
  },
  'rejection-reason-required': {
    status: 422, title: msg('退回须说明理由', 'A rejection needs a reason'),
    about: 'Rejecting a submitted version says why in `reason`, so that its department can put it right.',
  },
  'reviewer-is-submitter': {
    status: 403, title: msg('须由他人审核', 'Someone else must review'),
    about: 'A version is approved or rejected by someone other than the person who submitted it (four eyes).',
  },
  'item-retired': {
    status: 409, title: msg('事项已取消', 'Item retired'),
    about: 'The item was retired: its code stays on record and is never published again. Create a new item with a new code.',
  },
  'item-not-published': {
    status: 409, title: msg('事项未发布', 'Item not published'),
    about: 'Only a published item can be retired; this one has no published version.',
  },
  'version-open': {
    status: 409, title: msg('已有未发布的版本', 'A version is still open'),
    about: 'A new version starts from the published one, and only when no other version is being prepared: edit, submit or publish the open version (its number is in `detail`) instead.',
  },
});
