// Text inside the relay's HTML pages: every character that could end an element or an attribute
// becomes a character reference.
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
