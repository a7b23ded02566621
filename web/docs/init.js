// In a file of its own: the page's Content-Security-Policy runs no inline script.
window.ui = SwaggerUIBundle({
  url: 'openapi.json',
  dom_id: '#swagger-ui',
  // Opening an operation puts #/<tag>/<operationId> in the address bar, so an operation can be linked to.
  deepLinking: true,
  filter: true,
  // Swagger UI would otherwise ask validator.swagger.io for a badge: the page must work offline and tell no third party.
  validatorUrl: null,
});
