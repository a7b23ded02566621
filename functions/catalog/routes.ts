import type { RouteSpec } from '#shared/route-spec';
import {
  CreateItemRequest,
  GetPublishedItemQuery,
  ItemActionPath,
  ItemCodePath,
  ItemPage,
  ItemVersion,
  ItemVersionPath,
  PublicItem,
  ListItemsQuery,
  ListPublishedItemsQuery,
  ReviewRequest,
  UpdateItemRequest,
} from '#schemas/api/catalog';

export const catalogRoutes = [
  {
    operationId: 'listPublishedItems', method: 'GET', path: '/public/items', access: 'public',
    summary: 'List the published service items (办事指南) of a center', query: ListPublishedItemsQuery, responses: { 200: ItemPage },
    description: '`nextToken` pages this list only, for the same center and filters.',
  },
  {
    operationId: 'getPublishedItem', method: 'GET', path: '/public/items/{code}', access: 'public',
    summary: 'Read the current guide of an item, or a given published version', params: ItemCodePath, query: GetPublishedItemQuery, responses: { 200: PublicItem },
  },
  {
    operationId: 'listItems', method: 'GET', path: '/admin/items', access: 'jwt',
    summary: 'List item versions the caller administers, by department and status', query: ListItemsQuery, responses: { 200: ItemPage },
  },
  {
    operationId: 'createItem', method: 'POST', path: '/admin/items', access: 'jwt',
    summary: 'Create a new item as a draft (version 1)', body: CreateItemRequest, responses: { 201: ItemVersion },
  },
  {
    operationId: 'getItemVersion', method: 'GET', path: '/admin/items/{code}/versions/{version}', access: 'jwt', accountCheck: 'inline',
    summary: 'Read one version of an item, any status', params: ItemVersionPath, responses: { 200: ItemVersion },
  },
  {
    operationId: 'createItemVersion', method: 'POST', path: '/admin/items/{code}/versions', access: 'jwt', accountCheck: 'inline',
    summary: 'Start a new draft version from the published one', params: ItemCodePath, responses: { 201: ItemVersion },
  },
  {
    operationId: 'updateItemVersion', method: 'PUT', path: '/admin/items/{code}/versions/{version}', access: 'jwt', accountCheck: 'inline',
    summary: 'Replace the content of a draft or rejected version', params: ItemVersionPath, body: UpdateItemRequest, ifMatch: true, responses: { 200: ItemVersion },
  },
  {
    operationId: 'actOnItemVersion', method: 'POST', path: '/admin/items/{code}/versions/{version}/{action}', access: 'jwt', accountCheck: 'inline',
    summary: 'submit, approve, reject (with a reason) or publish a version', params: ItemActionPath, body: ReviewRequest, optionalBody: true, ifMatch: true,
    description: 'Answers the version as `GET /admin/items/{code}/versions/{version}` shows it, with its new ETag. The reviewer (approve, reject) is never the person who submitted the version (`reviewer-is-submitter`); a rejection says why (`rejection-reason-required`).',
    responses: { 200: ItemVersion },
  },
  {
    operationId: 'retireItem', method: 'POST', path: '/admin/items/{code}/retire', access: 'jwt', accountCheck: 'inline',
    summary: 'Retire the published item: it leaves the public catalog (If-Match: the published version)', params: ItemCodePath, ifMatch: true,
    description: 'Answers the retired version as `GET /admin/items/{code}/versions/{version}` shows it, with its new ETag. A retired code is never published again.',
    responses: { 200: ItemVersion },
  },
] as const satisfies readonly RouteSpec[];
