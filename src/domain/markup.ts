/** Helpers for domains' `render`: text placed in SVG or HTML must be escaped. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
