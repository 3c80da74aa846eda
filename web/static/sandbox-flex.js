// A LINE Flex Message drawn as LINE shows it, from the JSON the bot sent: bubbles (or a
// carousel of them) whose header, hero, body and footer are boxes of texts, separators and
// buttons. Only elements and text nodes made here (never innerHTML); links only to http(s);
// colours only as #RRGGBB(AA), set through the CSSOM, which the page's
// Content-Security-Policy allows (it refuses style attributes and inline styles).
"use strict";

import { el, link, safeUrl } from "./sandbox-text.js";

const COLOUR = /^#[0-9a-f]{6}([0-9a-f]{2})?$/i;
const SIZES = new Set(["xxs", "xs", "sm", "md", "lg", "xl", "xxl", "3xl", "4xl", "5xl"]);
const SPACES = new Set(["none", "xs", "sm", "md", "lg", "xl", "xxl"]);
const LAYOUTS = new Set(["vertical", "horizontal", "baseline"]);
const SECTIONS = ["header", "hero", "body", "footer"];

function colour(node, property, value) {
  if (typeof value === "string" && COLOUR.test(value)) node.style[property] = value;
}

// What every component may say of its place: its margin, and its share of a row.
function placed(node, json, inRow) {
  if (SPACES.has(json.margin)) node.classList.add("fx-m-" + json.margin);
  if (inRow) {
    const share = Number.isInteger(json.flex) && json.flex >= 0 ? json.flex : 1;
    node.style.flex = share + " 1 0%";
  } else if (Number.isInteger(json.flex) && json.flex > 0) {
    node.style.flexGrow = String(json.flex);
  }
  return node;
}

function text(json) {
  const spans = Array.isArray(json.contents) ? json.contents : [];
  const value = spans.length
    ? spans.map((span) => (span && typeof span.text === "string" ? span.text : "")).join("")
    : typeof json.text === "string" ? json.text : "";
  const node = el("div", "fx-text", value);
  if (SIZES.has(json.size)) node.classList.add("fx-size-" + json.size);
  if (json.weight === "bold") node.classList.add("fx-bold");
  if (json.wrap !== true) node.classList.add("fx-nowrap");
  if (json.align === "center" || json.align === "end") node.classList.add("fx-align-" + json.align);
  colour(node, "color", json.color);
  return node;
}

function button(json, act) {
  const action = json.action && typeof json.action === "object" ? json.action : {};
  const style = ["primary", "secondary"].includes(json.style) ? json.style : "link";
  const label = typeof action.label === "string" ? action.label : "";
  let node;
  if (action.type === "uri") {
    const href = safeUrl(typeof action.uri === "string" ? action.uri : "");
    node = href ? link(href, "fx-button") : el("span", "fx-button fx-disabled");
    node.textContent = label;
  } else {
    node = el("button", "fx-button", label);
    node.type = "button";
    if (action.type === "postback" && typeof action.data === "string") {
      node.addEventListener("click", () => act.postback(action.data));
    } else if (action.type === "message" && typeof action.text === "string") {
      node.addEventListener("click", () => act.message(action.text));
    } else {
      node.disabled = true;
    }
  }
  node.classList.add("fx-" + style);
  if (json.height === "sm") node.classList.add("fx-small");
  colour(node, style === "link" ? "color" : "backgroundColor", json.color);
  return node;
}

function box(json, act, imageText) {
  const layout = LAYOUTS.has(json.layout) ? json.layout : "vertical";
  const node = el("div", "fx-box fx-" + layout);
  if (SPACES.has(json.spacing)) node.classList.add("fx-gap-" + json.spacing);
  if (SPACES.has(json.paddingAll)) node.classList.add("fx-pad-" + json.paddingAll);
  colour(node, "backgroundColor", json.backgroundColor);
  const inRow = layout !== "vertical";
  for (const child of Array.isArray(json.contents) ? json.contents : []) {
    const drawn = component(child, act, imageText);
    if (drawn) node.append(placed(drawn, child, inRow));
  }
  return node;
}

function component(json, act, imageText) {
  if (!json || typeof json !== "object") return null;
  switch (json.type) {
    case "box": return box(json, act, imageText);
    case "text": return text(json);
    case "button": return button(json, act);
    case "separator": {
      const line = el("div", "fx-separator");
      colour(line, "backgroundColor", json.color);
      return line;
    }
    case "filler":
    case "spacer": return el("div", "fx-filler");
    // Images need an address LINE can fetch; the sandbox's pages load nothing from elsewhere.
    case "image":
    case "icon":
    case "video": return el("div", "fx-image", "🖼 " + imageText);
    default: return null;
  }
}

function bubble(json, act, imageText) {
  const node = el("div", "fx-bubble");
  if (["nano", "micro", "kilo", "mega", "giga"].includes(json.size)) node.classList.add("fx-" + json.size);
  const styles = json.styles && typeof json.styles === "object" ? json.styles : {};
  for (const name of SECTIONS) {
    const part = json[name];
    if (!part || typeof part !== "object") continue;
    const section = el("div", "fx-section fx-" + name);
    const style = styles[name] && typeof styles[name] === "object" ? styles[name] : {};
    colour(section, "backgroundColor", style.backgroundColor);
    if (style.separator === true) section.classList.add("fx-separated");
    const drawn = component(part, act, imageText);
    if (drawn) section.append(drawn);
    node.append(section);
  }
  return node;
}

// The container (`contents` of a Flex Message); `act.postback(data)` and `act.message(text)`
// are what its buttons do.
export function flexMessage(json, act, imageText) {
  if (json && json.type === "carousel" && Array.isArray(json.contents)) {
    const row = el("div", "fx-carousel");
    for (const item of json.contents) if (item && item.type === "bubble") row.append(bubble(item, act, imageText));
    return row;
  }
  return bubble(json || {}, act, imageText);
}
