// The API docs at /docs: Swagger UI over the node's own OpenAPI document. A file of its own, not
// an inline script, so the page runs under the node's Content-Security-Policy (scripts only from
// the node).
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  validatorUrl: null, // no badge fetched from another site
  presets: [SwaggerUIBundle.presets.apis],
});
