// The newsrag chat page: plain browser JavaScript, no build step, no third-party code.
// Answers stream from POST /api/chat/stream (server-sent events read from fetch(), since
// EventSource cannot POST). Everything the server sends is inserted as text, never as HTML.
"use strict";

const SESSION_KEY = "chatSessionId";
const SESSION_PATTERN = /^[A-Za-z0-9_.:@-]{1,128}$/;
const MAX_CHARS = 5000;
const NETWORK_ERROR = "Could not reach the newsrag server: check that it is running, then try again.";
const CUT_SHORT = "The answer stopped before it was complete: try asking again.";

const $ = (id) => document.getElementById(id);
const ui = {
  conversation: $("conversation"),
  empty: $("empty"),
  messages: $("messages"),
  form: $("composer"),
  input: $("message"),
  send: $("send"),
  counter: $("counter"),
  error: $("error"),
  errorText: $("error-text"),
  errorClose: $("error-close"),
  newChat: $("new-chat"),
  examples: [...document.querySelectorAll(".example")],
};
const dateFormat = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  timeZone: "UTC",
});

let sessionId = currentSessionId();
let busy = false;
let answers = 0; // numbers each answer, so that its citation links point at its own cards

// --- session -------------------------------------------------------------------------------

function newSessionId() {
  // crypto.getRandomValues works on plain http too (randomUUID needs a secure context).
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function currentSessionId() {
  const stored = localStorage.getItem(SESSION_KEY);
  if (stored && SESSION_PATTERN.test(stored)) return stored;
  return startSession();
}

function startSession() {
  const id = newSessionId();
  localStorage.setItem(SESSION_KEY, id);
  return id;
}

// --- talking to the API --------------------------------------------------------------------

async function request(path, options) {
  try {
    return await fetch(path, options);
  } catch {
    throw new Error(NETWORK_ERROR);
  }
}

// The sentence of the API's error envelope {"success": false, "error": "..."}.
async function errorSentence(response) {
  try {
    const body = await response.json();
    if (typeof body.error === "string" && body.error) return body.error;
  } catch {
    // Not the envelope (a proxy's error page, say): fall through to the status.
  }
  return `The server answered HTTP ${response.status}: try again in a moment.`;
}

// The server-sent events of a response: {name, data} with data decoded from JSON.
// `: ping` comments keep the connection open and are skipped.
async function* serverEvents(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    let chunk;
    try {
      chunk = await reader.read();
    } catch {
      throw new Error(CUT_SHORT);
    }
    if (chunk.done) return;
    buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const event = parseEvent(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (event) yield event;
    }
  }
}

function parseEvent(block) {
  let name = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (!line || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") name = value;
    else if (field === "data") data.push(value);
  }
  return data.length ? { name, data: JSON.parse(data.join("\n")) } : null;
}

// --- rendering (text only) -----------------------------------------------------------------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function addMessage(role, text) {
  ui.empty.hidden = true;
  const item = el("li", `msg ${role}`);
  const bubble = el("div", "bubble");
  bubble.append(el("p", "text", text));
  item.append(el("p", "who", role === "user" ? "You" : "newsrag"), bubble);
  ui.messages.append(item);
  return item;
}

function showNote(item, text) {
  let note = item.querySelector(".note");
  if (!note) {
    note = el("p", "note");
    item.querySelector(".bubble").after(note);
  }
  note.textContent = text;
}

function isWebUrl(url) {
  try {
    return ["http:", "https:"].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

function sourceCard(source, prefix) {
  const card = el("li", "source");
  card.id = `${prefix}-${source.n}`;
  const body = el("div", "source-body");
  if (isWebUrl(source.url)) {
    const link = el("a", "title", source.title);
    link.href = source.url;
    link.target = "_blank";
    link.rel = "noopener";
    link.append(el("span", "visually-hidden", " (opens in a new tab)"));
    body.append(link);
  } else {
    body.append(el("span", "title", source.title));
  }
  const meta = [source.source, source.publishedAt && formatDate(source.publishedAt)];
  body.append(el("p", "meta", meta.filter(Boolean).join(" · ")));
  card.append(el("span", "n", String(source.n)), body);
  return card;
}

function formatDate(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : dateFormat.format(date);
}

// The answer's text with each [n] that names one of `sources` linked to that source's card.
function citedText(node, text, sources, prefix) {
  const known = new Set(sources.map((s) => s.n));
  node.replaceChildren();
  let from = 0;
  for (const match of text.matchAll(/\[(\d+)\]/g)) {
    const n = Number(match[1]);
    if (!known.has(n)) continue;
    const link = el("a", "cite", match[0]);
    link.href = `#${prefix}-${n}`;
    link.setAttribute("aria-label", `source ${n}`);
    node.append(text.slice(from, match.index), link);
    from = match.index + match[0].length;
  }
  node.append(text.slice(from));
}

// An assistant message being answered: typing dots, then streamed text, then the final
// answer with linked citations and its source cards.
function answerView() {
  const prefix = `answer-${++answers}-source`;
  const item = addMessage("assistant", "");
  const text = item.querySelector(".text");
  const typing = el("span", "typing");
  typing.append(el("span", "visually-hidden", "newsrag is writing an answer"));
  typing.append(el("i"), el("i"), el("i"));
  text.before(typing);
  const cards = el("ol", "sources");
  cards.setAttribute("aria-label", "Sources");
  cards.hidden = true;
  item.append(cards);

  const setState = (state) => {
    item.dataset.state = state;
    item.setAttribute("aria-busy", String(state === "waiting" || state === "streaming"));
  };
  const showSources = (sources) => {
    cards.replaceChildren(...sources.map((s) => sourceCard(s, prefix)));
    cards.hidden = sources.length === 0;
  };
  setState("waiting");
  return {
    sources: showSources,
    token(piece) {
      typing.remove();
      setState("streaming");
      text.append(piece);
      followEnd();
    },
    done(body) {
      typing.remove();
      citedText(text, body.answer, body.sources, prefix);
      showSources(body.sources);
      if (body.notice || body.degraded) {
        showNote(item, body.notice || `Answered by ${body.model}, the fallback generator.`);
      }
      setState("done");
      followEnd();
    },
    fail() {
      typing.remove();
      if (!text.textContent) {
        item.remove();
        return;
      }
      showNote(item, "This answer was cut short.");
      setState("failed");
    },
  };
}

function followEnd() {
  const root = document.documentElement;
  if (root.scrollHeight - root.scrollTop - root.clientHeight < 160) {
    window.scrollTo(0, root.scrollHeight);
  }
}

function showError(message) {
  ui.errorText.textContent = message;
  ui.error.hidden = false;
}

function hideError() {
  ui.error.hidden = true;
  ui.errorText.textContent = "";
}

function setBusy(on) {
  busy = on;
  for (const button of [ui.newChat, ...ui.examples]) button.disabled = on;
  updateComposer();
}

function updateComposer() {
  const length = ui.input.value.length;
  ui.counter.textContent = `${length} / ${MAX_CHARS}`;
  ui.counter.classList.toggle("near-limit", length > MAX_CHARS * 0.9);
  ui.send.disabled = busy || !ui.input.value.trim();
  ui.input.style.height = "auto";
  ui.input.style.height = `${ui.input.scrollHeight}px`;
}

// --- what the user does --------------------------------------------------------------------

async function ask(question) {
  if (busy) return;
  hideError();
  addMessage("user", question);
  const answer = answerView();
  window.scrollTo(0, document.documentElement.scrollHeight);
  setBusy(true);
  try {
    const response = await request("/api/chat/stream", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify({ sessionId, message: question }),
    });
    if (!response.ok) throw new Error(await errorSentence(response));
    let finished = false;
    for await (const event of serverEvents(response)) {
      if (event.name === "sources") answer.sources(event.data);
      else if (event.name === "token") answer.token(event.data.text);
      else if (event.name === "done") {
        answer.done(event.data);
        finished = true;
      }
      else if (event.name === "error") throw new Error(event.data.error);
    }
    if (!finished) throw new Error(CUT_SHORT);
  } catch (error) {
    answer.fail();
    showError(error.message);
  } finally {
    setBusy(false);
  }
}

async function loadHistory() {
  setBusy(true);
  try {
    const response = await request(`/api/history/${sessionId}`);
    if (response.status === 404) return; // a new or expired session: nothing to show yet
    if (!response.ok) throw new Error(await errorSentence(response));
    const { messages } = await response.json();
    for (const message of messages) {
      if (message.sources?.length && !message.interrupted) {
        answerView().done({ answer: message.content, sources: message.sources });
        continue;
      }
      const item = addMessage(message.role, message.content);
      if (message.interrupted) showNote(item, "This answer was cut short.");
    }
    window.scrollTo(0, document.documentElement.scrollHeight);
  } catch (error) {
    showError(error.message);
  } finally {
    setBusy(false);
  }
}

async function newChat() {
  if (busy) return;
  hideError();
  setBusy(true);
  try {
    const response = await request(`/api/session/${sessionId}`, { method: "DELETE" });
    if (!response.ok && response.status !== 404) throw new Error(await errorSentence(response));
    sessionId = startSession();
    ui.messages.replaceChildren();
    ui.empty.hidden = false;
  } catch (error) {
    showError(error.message);
  } finally {
    setBusy(false);
    ui.input.focus();
  }
}

function submit(event) {
  event.preventDefault();
  const question = ui.input.value.trim();
  if (!question || busy) return;
  ui.input.value = "";
  updateComposer();
  ask(question);
}

ui.form.addEventListener("submit", submit);
ui.input.addEventListener("input", updateComposer);
ui.input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) submit(event);
});
ui.newChat.addEventListener("click", newChat);
ui.errorClose.addEventListener("click", () => {
  hideError();
  ui.input.focus();
});
for (const button of ui.examples) {
  button.addEventListener("click", () => {
    // The examples disappear: keep the keyboard focus in the conversation, not on the page.
    ui.conversation.focus({ preventScroll: true });
    ask(button.textContent);
  });
}
updateComposer();
loadHistory();
