// In a file of its own: the page's Content-Security-Policy runs no inline script.
window.ui = SwaggerUIBundle({
  url: 'openapi.json',
  dom_id: '#swagger-ui',
  // Opening an operation puts #/<tag>/<operationId> in the address bar, so an operation can be linked to.
  deepLinking: true,
  filter: true,
  // Swagger UI would otherwise ask validator.swagger.io for a badge: the page must work offline and tell no third party.
  validatorUrl: null,
  // One domain (tag) open at a time: with every one of ~160 operations open at once, Swagger UI 5.35
  // stopped rendering after the first few and never went on (the tags themselves all render).
  docExpansion: 'none',
});
