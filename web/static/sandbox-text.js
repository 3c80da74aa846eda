// Telegram's formatted text as DOM: MessageEntity offsets and lengths are UTF-16 code units,
// which is what JavaScript strings index by. Only text nodes and elements made here, never
// innerHTML; links only to http(s) addresses, opened in a new tab.
"use strict";

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function safeUrl(value) {
  try {
    const url = new URL(value, window.location.href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch (_) {
    return null;
  }
}

export function link(href, className) {
  const a = el("a", className);
  a.href = href;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  return a;
}

// One entity's element; its inner text is filled in by `fill`.
function entityElement(entity, inner, spoilerTitle) {
  switch (entity.type) {
    case "bold": return el("strong");
    case "italic": return el("em");
    case "underline": return el("u");
    case "strikethrough": return el("s");
    case "code": return el("code");
    case "pre": return el("pre");
    case "blockquote":
    case "expandable_blockquote": return el("blockquote");
    case "spoiler": {
      const span = el("span", "spoiler");
      span.title = spoilerTitle;
      span.addEventListener("click", (event) => {
        event.stopPropagation();
        span.classList.add("shown");
      });
      return span;
    }
    case "text_link": {
      const href = safeUrl(entity.url || "");
      return href ? link(href) : el("span");
    }
    case "url": {
      const href = safeUrl(/^https?:\/\//i.test(inner) ? inner : "http://" + inner);
      return href ? link(href) : el("span");
    }
    default: return el("span", "entity-" + entity.type);
  }
}

// Text from `start` to `end` into `parent`, with the entities lying inside it nested.
// Offsets are UTF-16 code units, which is what JavaScript strings index by.
function fill(parent, text, start, end, entities, spoilerTitle) {
  let pos = start;
  let i = 0;
  while (i < entities.length) {
    const entity = entities[i];
    const stop = Math.min(entity.offset + entity.length, end);
    let j = i + 1;
    while (j < entities.length && entities[j].offset < stop) j++;
    if (entity.offset >= pos && stop > entity.offset) {
      if (entity.offset > pos) parent.append(text.slice(pos, entity.offset));
      const node = entityElement(entity, text.slice(entity.offset, stop), spoilerTitle);
      fill(node, text, entity.offset, stop, entities.slice(i + 1, j), spoilerTitle);
      parent.append(node);
      pos = stop;
      // A block already ends its line: the newline after it would show as an empty line.
      const block = node.tagName === "BLOCKQUOTE" || node.tagName === "PRE";
      const nextAt = j < entities.length ? entities[j].offset : end;
      if (block && pos < end && text[pos] === "\n" && nextAt > pos) pos += 1;
    }
    i = j;
  }
  if (pos < end) parent.append(text.slice(pos, end));
}

export function richText(text, entities, spoilerTitle) {
  const body = el("div", "text");
  const sorted = (entities || []).slice().sort((a, b) => a.offset - b.offset || b.length - a.length);
  fill(body, text, 0, text.length, sorted, spoilerTitle);
  return body;
}
