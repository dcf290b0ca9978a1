/**
 * Served beside Swagger UI's own stylesheet on the reference page: its default badge, stamp and
 * link colours fail WCAG AA contrast (axe `color-contrast`, checked in e2e s-api-reference).
 * Same selectors as swagger-ui.css, loaded after it, so these win without `!important`.
 */
export const REFERENCE_PAGE_CSS = `
.swagger-ui .info .title small { background: #4a5160; }
.swagger-ui .info .title small.version-stamp { background: #3d6b00; }
.swagger-ui .info a { color: #1f5fa8; }
.swagger-ui .opblock.opblock-get .opblock-summary-method { background: #1f5fa8; }
.swagger-ui .opblock.opblock-post .opblock-summary-method { background: #1d7049; }
.swagger-ui .opblock.opblock-put .opblock-summary-method { background: #8a4a00; }
.swagger-ui .opblock.opblock-patch .opblock-summary-method { background: #0f6b57; }
.swagger-ui .opblock.opblock-delete .opblock-summary-method { background: #b3261e; }
.swagger-ui .btn.authorize { color: #1d7049; border-color: #1d7049; }
.swagger-ui .btn.authorize svg { fill: #1d7049; }
.swagger-ui .authorization__btn.unlocked, .swagger-ui .authorization__btn.locked { fill: #1d7049; }
`;
