// The sandbox's phones: each chat drawn as Telegram (or, on a LINE phone, LINE) shows it, from
// /sandbox/api/chat, redrawn whenever /sandbox/api/events says it changed. Bot text only ever
// becomes text nodes and elements made here (never innerHTML); the Thai words come from the
// page's data-t-* attributes.
import { flexMessage } from "./sandbox-flex.js";
import { el, link, richText, safeUrl } from "./sandbox-text.js";

(function () {
  const page = document.querySelector(".phones-page");
  if (!page) return;
  const csrf = document.querySelector('meta[name="sandbox-csrf"]').content;
  const t = (key) => page.dataset["t" + key.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())] || "";
  const places = Array.from(document.querySelectorAll(".place-list li")).map((li) => ({
    name: li.textContent.trim(),
    latitude: parseFloat(li.dataset.lat),
    longitude: parseFloat(li.dataset.lon),
  }));
  const clock = new Intl.DateTimeFormat("th-TH", {
    hour: "2-digit", minute: "2-digit", timeZone: "Asia/Bangkok",
  });

  function placeName(location) {
    const near = places.find((p) =>
      Math.abs(p.latitude - location.latitude) < 0.005 && Math.abs(p.longitude - location.longitude) < 0.005);
    return near ? near.name : t("location");
  }

  class Phone {
    constructor(root) {
      this.root = root;
      this.userId = Number(root.dataset.user);
      this.seq = -1;
      this.lastPopup = "";
      this.stick = true;
      this.replyTo = null;
      this.chat = root.querySelector(".chat");
      this.keyboard = root.querySelector(".keyboard");
      this.replying = root.querySelector(".replying");
      this.toastBox = root.querySelector(".toast");
      this.alertBox = root.querySelector(".alertbox");
      this.offline = el("p", "offline-note", t("offline"));
      this.offline.hidden = true;
      this.chat.before(this.offline);
      this.wire();
    }

    wire() {
      const composer = this.root.querySelector(".composer");
      const box = composer.querySelector("textarea");
      composer.addEventListener("submit", (event) => {
        event.preventDefault();
        const text = box.value;
        if (!text.trim()) return;
        this.post("text", { text, reply_to: this.replyTo }).then((ok) => {
          if (ok) { box.value = ""; this.setReply(null); }
        });
      });
      box.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          composer.requestSubmit();
        }
      });
      // A LINE phone has neither (its executives read, press and type).
      const attach = this.root.querySelector(".attach");
      if (attach) attach.addEventListener("submit", (event) => {
        event.preventDefault();
        const sample = event.target.elements.sample.value;
        this.post("sample", { sample, reply_to: this.replyTo }).then((ok) => ok && this.setReply(null));
      });
      const locate = this.root.querySelector(".locate");
      if (locate) locate.addEventListener("submit", (event) => {
        event.preventDefault();
        this.post("location", { place: event.target.elements.place.value });
      });
      this.root.querySelector(".replying-cancel").addEventListener("click", () => this.setReply(null));
      this.root.querySelector(".alert-ok").addEventListener("click", () => { this.alertBox.hidden = true; });
    }

    async post(action, body) {
      try {
        const response = await fetch("/sandbox/api/" + action, {
          method: "POST",
          headers: { "content-type": "application/json", "x-csrf-token": csrf },
          body: JSON.stringify(Object.assign({ user_id: this.userId }, body)),
          credentials: "same-origin",
        });
        if (!response.ok) {
          this.toast((await response.text()) || t("failed"));
          return false;
        }
        return true;
      } catch (_) {
        this.toast(t("failed"));
        return false;
      }
    }

    setReply(message) {
      this.replyTo = message ? message.id : null;
      this.replying.hidden = !message;
      if (message) {
        const label = message.text || (message.photo ? t("photo") : message.document ? message.document.name : "");
        this.replying.querySelector(".replying-text").textContent = t("reply") + ": " + label;
        this.root.querySelector(".composer textarea").focus();
      }
    }

    toast(text) {
      this.toastBox.textContent = text;
      this.toastBox.hidden = false;
      clearTimeout(this.toastTimer);
      this.toastTimer = setTimeout(() => { this.toastBox.hidden = true; }, 3500);
    }

    async refresh() {
      const response = await fetch("/sandbox/api/chat/" + this.userId, { credentials: "same-origin" });
      if (!response.ok) return;
      const view = await response.json();
      if (view.seq === this.seq) return;
      const wasFresh = this.seq >= 0;
      // A pop-up already in the chat when the page opens was answered before: not shown again.
      if (!wasFresh) this.lastPopup = view.popup ? JSON.stringify(view.popup) : "";
      this.seq = view.seq;
      this.draw(view);
      if (wasFresh) document.dispatchEvent(new CustomEvent("phone-changed", { detail: this.userId }));
    }

    draw(view) {
      const atBottom = this.chat.scrollHeight - this.chat.scrollTop - this.chat.clientHeight < 40;
      // Follow the newest message unless the person scrolled up to read (also once photos load).
      this.stick = atBottom || this.chat.dataset.drawn !== "1";
      this.chat.replaceChildren(...view.messages.map((m) => this.message(m)));
      if (!view.messages.length) this.chat.append(el("li", "empty", t("empty")));
      if (this.stick) this.chat.scrollTop = this.chat.scrollHeight;
      this.chat.dataset.drawn = "1";
      this.drawKeyboard(view.keyboard);
      this.showPopup(view.popup);
    }

    message(m) {
      const item = el("li", "msg " + (m.from === "me" ? "out" : "in"));
      item.dataset.id = m.id;
      if (m.reply_to) {
        const quote = el("div", "quote", m.reply_to.text || "…");
        item.append(quote);
      }
      if (m.photo) {
        const img = el("img", "photo");
        img.src = "/sandbox/api/file/" + this.userId + "/" + encodeURIComponent(m.photo);
        img.alt = t("photo");
        img.addEventListener("load", () => {
          if (this.stick) this.chat.scrollTop = this.chat.scrollHeight;
        });
        item.append(img);
      }
      if (m.document) {
        const doc = el("a", "doc", "📄 " + m.document.name);
        doc.href = "/sandbox/api/file/" + this.userId + "/" + encodeURIComponent(m.document.file_id);
        doc.download = m.document.name;
        item.append(doc);
      }
      if (m.location) {
        const where = el("div", "where");
        where.append(el("strong", "", "📍 " + placeName(m.location)));
        where.append(el("small", "", m.location.latitude.toFixed(5) + ", " + m.location.longitude.toFixed(5)));
        item.append(where);
      }
      if (m.flex) {
        item.classList.add("flex");
        item.append(flexMessage(m.flex, {
          postback: (data) => this.post("press", { message_id: m.id, data }),
          message: (text) => this.post("text", { text, reply_to: null }),
        }, t("image")));
      } else if (m.text) {
        item.append(richText(m.text, m.entities, t("spoiler")));
      }
      const meta = el("div", "meta");
      if (m.edited) meta.append(el("span", "edited", t("edited")));
      meta.append(el("time", "", clock.format(new Date(m.at))));
      meta.lastChild.dateTime = m.at;
      item.append(meta);
      if (m.buttons && m.buttons.length) item.append(this.buttons(m));
      item.addEventListener("click", (event) => {
        if (event.target.closest("a, button, .spoiler")) return;
        this.setReply(m);
      });
      return item;
    }

    buttons(m) {
      const grid = el("div", "buttons");
      for (const row of m.buttons) {
        const line = el("div", "row");
        for (const button of row) {
          const href = button.url ? safeUrl(button.url) : null;
          if (href) {
            const a = link(href, "inline url");
            a.textContent = button.text + " ↗";
            line.append(a);
          } else if (button.data !== undefined) {
            const b = el("button", "inline", button.text);
            b.type = "button";
            b.addEventListener("click", () => this.post("press", { message_id: m.id, data: button.data }));
            line.append(b);
          }
        }
        grid.append(line);
      }
      return grid;
    }

    drawKeyboard(rows) {
      if (!this.keyboard) return;
      this.keyboard.replaceChildren();
      this.keyboard.hidden = !rows || !rows.length;
      for (const row of rows || []) {
        const line = el("div", "row");
        for (const label of row) {
          const b = el("button", "key", label);
          b.type = "button";
          b.addEventListener("click", () => this.post("text", { text: label, reply_to: null }));
          line.append(b);
        }
        this.keyboard.append(line);
      }
    }

    showPopup(popup) {
      const key = popup ? JSON.stringify(popup) : "";
      if (key === this.lastPopup) return;
      this.lastPopup = key;
      if (!popup) return;
      if (popup.alert) {
        this.alertBox.querySelector(".alert-text").textContent = popup.text;
        this.alertBox.hidden = false;
        this.alertBox.querySelector(".alert-ok").focus();
      } else {
        this.toast(popup.text);
      }
    }

    listen() {
      const source = new EventSource("/sandbox/api/events/" + this.userId + "?after=" + Math.max(this.seq, 0));
      source.onmessage = () => { this.offline.hidden = true; this.refresh(); };
      source.onerror = () => { this.offline.hidden = false; };
      source.onopen = () => { this.offline.hidden = true; this.refresh(); };
    }
  }

  const phones = Array.from(document.querySelectorAll(".phone")).map((root) => new Phone(root));
  const switcher = document.querySelector(".switcher");
  if (switcher) {
    switcher.addEventListener("click", (event) => {
      const chosen = event.target.closest("button[data-show]");
      if (!chosen) return;
      for (const button of switcher.querySelectorAll("button")) {
        button.setAttribute("aria-pressed", String(button === chosen));
        if (button === chosen) button.classList.remove("unread");
      }
      for (const phone of phones) phone.root.classList.toggle("active", String(phone.userId) === chosen.dataset.show);
    });
    document.addEventListener("phone-changed", (event) => {
      const button = switcher.querySelector('button[data-show="' + event.detail + '"]');
      if (button && button.getAttribute("aria-pressed") !== "true") button.classList.add("unread");
    });
  }
  for (const phone of phones) {
    phone.refresh().finally(() => phone.listen());
  }
})();
