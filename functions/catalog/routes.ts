import type { RouteSpec } from '#shared/route-spec';

export const catalogRoutes = [
  { operationId: 'listPublishedItems', method: 'GET', path: '/public/items', access: 'public', summary: 'List published service items (办事指南) of a center' },
  { operationId: 'getPublishedItem', method: 'GET', path: '/public/items/{code}', access: 'public', summary: 'Read the current guide of an item, or a given published version' },
  { operationId: 'listItems', method: 'GET', path: '/admin/items', access: 'jwt', summary: 'List items the caller administers, by status' },
  { operationId: 'createItem', method: 'POST', path: '/admin/items', access: 'jwt', summary: 'Create a new item as a draft (version 1)' },
  { operationId: 'getItemVersion', method: 'GET', path: '/admin/items/{code}/versions/{version}', access: 'jwt', summary: 'Read one version of an item, any status' },
  { operationId: 'createItemVersion', method: 'POST', path: '/admin/items/{code}/versions', access: 'jwt', summary: 'Start a new draft version from the published one' },
  { operationId: 'updateItemVersion', method: 'PUT', path: '/admin/items/{code}/versions/{version}', access: 'jwt', summary: 'Replace the content of a draft (If-Match required)' },
  { operationId: 'actOnItemVersion', method: 'POST', path: '/admin/items/{code}/versions/{version}/{action}', access: 'jwt', summary: 'submit, approve, reject or publish a version (If-Match required)' },
  { operationId: 'retireItem', method: 'POST', path: '/admin/items/{code}/retire', access: 'jwt', summary: 'Retire the published item (If-Match required)' },
] as const satisfies readonly RouteSpec[];
