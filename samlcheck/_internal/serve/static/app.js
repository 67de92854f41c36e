// samlcheck serve: gathers the inputs as bytes, posts them, shows the report the server built.
// No framework, no build step; all text goes in with textContent, never as markup.
"use strict";

const TOKEN = document.querySelector('meta[name="samlcheck-token"]').content;
const CLAIMS = [
  ["issuer", "Issuer"], ["name_id", "NameID"], ["audiences", "Audience"],
  ["recipient", "Recipient"], ["roles", "Role"], ["role_session_name", "RoleSessionName"],
  ["source_identity", "SourceIdentity"], ["session_duration", "SessionDuration"],
  ["principal_tags", "PrincipalTag"],
];
const SEVERITIES = [["error", "Errors: AWS refuses it"], ["warning", "Warnings"], ["info", "Facts"]];
let captureFile = null;

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function base64(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

async function fileItem(file) {
  return { name: file.name, data: base64(new Uint8Array(await file.arrayBuffer())) };
}

function textItem(name, text) {
  return { name: name, data: base64(new TextEncoder().encode(text)) };
}

async function files(inputId, textId, name) {
  const items = [];
  for (const file of document.getElementById(inputId).files) items.push(await fileItem(file));
  const pasted = textId ? document.getElementById(textId).value : "";
  if (pasted.trim()) items.push(textItem(name, pasted));
  return items;
}

async function post(action, body) {
  const response = await fetch(action, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Samlcheck-Token": TOKEN },
    body: JSON.stringify(body),
  });
  let answer;
  try {
    answer = await response.json();
  } catch (e) {
    answer = { error: { source: "samlcheck serve", problem: "gave no readable answer", hint: "" } };
  }
  return answer;
}

function showError(kind, error) {
  const box = document.getElementById("error-" + kind);
  box.hidden = !error;
  if (error) {
    box.textContent = error.source + ": " + error.problem + (error.hint ? ". " + error.hint : "");
  }
}

async function run(kind, body, button) {
  const panel = kind === "check" ? "response" : kind;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    const answer = await post("/api/" + kind, body);
    showError(panel, answer.error);
    const target = document.getElementById("result-" + panel);
    target.replaceChildren();
    if (!answer.error) target.append(...report(answer, kind));
    return answer;
  } catch (e) {
    showError(panel, { source: "samlcheck serve", problem: "cannot be reached (" + e + ")", hint: "Is it still running?" });
    return null;
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

// --- the report -----------------------------------------------------------------------------------

function report(answer, kind) {
  const parts = [];
  answer.report.results.forEach((result, index) => {
    const xml = kind === "check" ? answer.xml : null;
    parts.push(...resultParts(result, xml, index));
  });
  const download = el("button", { type: "button", textContent: "Download the JSON report" });
  download.addEventListener("click", () => {
    const url = URL.createObjectURL(new Blob([answer.json], { type: "application/json" }));
    const link = el("a", { href: url, download: "samlcheck-report.json" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
  parts.push(el("p", {}, download));
  return parts;
}

function resultParts(result, xml, index) {
  const verdict = result.verdict;
  const deciding = result.findings.find((f) => f.rule === verdict.rule && f.severity === "error");
  const box = el("div", { className: "verdict " + (verdict.accepted ? "accepted" : "rejected") });
  box.append(el("p", { className: "muted" }, result.source));
  if (verdict.accepted) {
    box.append(el("p", { className: "big", textContent: "AWS accepts it" }));
  } else {
    const error = verdict.aws_error;
    const words = error ? (error.code ? error.code + ": " : "") + error.message : "AWS refuses it";
    box.append(el("p", { className: "big", textContent: words }));
    if (error) box.append(el("p", { textContent: error.service + ", HTTP " + error.http_status }));
  }
  if (deciding) {
    box.append(el("p", {}, el("strong", { textContent: "Why: " }), deciding.rule + " " + deciding.name + ": " + deciding.message));
    box.append(el("p", {}, el("strong", { textContent: "Fix: " }), deciding.fix));
  }
  for (const what of verdict.unjudged) box.append(el("p", { textContent: "Not judged: " + what }));
  const parts = [box];
  if (result.claims) parts.push(el("h2", { textContent: "Claims" }), claimsTable(result));
  if (result.summary.length) {
    const table = el("table");
    for (const row of result.summary) table.append(el("tr", {}, el("th", { textContent: row.label }), el("td", { textContent: row.value })));
    parts.push(el("h2", { textContent: "Summary" }), table);
  }
  parts.push(el("h2", { textContent: "Findings" }));
  for (const [severity, title] of SEVERITIES) {
    const found = result.findings.map((f, i) => [f, i]).filter(([f]) => f.severity === severity);
    if (!found.length) continue;
    parts.push(el("h3", { textContent: title + " (" + found.length + ")" }));
    for (const [finding, i] of found) parts.push(findingBox(finding, xml && xml.findings[i], index));
  }
  if (xml) parts.push(...xmlParts(xml, result, index));
  return parts;
}

function claimValue(key, value) {
  if (value === null || value === undefined) return "";
  if (key === "roles") return value.map((r) => r.role_arn + ", " + r.provider_arn).join("\n");
  if (key === "audiences") return value.join("\n");
  if (key === "principal_tags") return Object.entries(value).map(([k, v]) => k + " = " + v).join("\n");
  return String(value);
}

function claimsTable(result) {
  const table = el("table", { className: "claims" });
  table.append(el("tr", {}, el("th", { textContent: "Claim" }), el("td", {}, el("strong", { textContent: "Signed value" })),
    el("td", {}, el("strong", { textContent: "Unverified value (no valid signature covers it)" }))));
  for (const [key, label] of CLAIMS) {
    const signed = claimValue(key, result.claims[key]);
    const unverified = result.unverified_claims ? claimValue(key, result.unverified_claims[key]) : "";
    if (!signed && !unverified) continue;
    const cell = el("td", { className: unverified ? "unverified" : "" });
    if (unverified) cell.textContent = "UNVERIFIED: " + unverified;
    table.append(el("tr", {}, el("th", { textContent: label }), el("td", { textContent: signed, className: "pre" }), cell));
  }
  return table;
}

function findingBox(finding, span, index) {
  const box = el("div", { className: "finding " + finding.severity });
  box.append(el("p", {}, el("span", { className: "tag " + finding.severity, textContent: finding.severity }), " ",
    el("span", { className: "id", textContent: finding.rule }), " " + finding.name));
  box.append(el("p", { textContent: finding.message }));
  if (finding.fix) box.append(el("p", {}, el("strong", { textContent: "Fix: " }), finding.fix));
  if (finding.aws_error) box.append(el("p", {}, el("strong", { textContent: "AWS error: " }), (finding.aws_error.code ? finding.aws_error.code + ": " : "") + finding.aws_error.message));
  if (finding.location) {
    const where = el("p", {}, el("strong", { textContent: "Where: " }), finding.location + " ");
    if (span) {
      const show = el("button", { type: "button", className: "link", textContent: "show in the XML" });
      show.addEventListener("click", () => focusLines(index, span));
      where.append(show);
    }
    box.append(where);
  }
  if (finding.detail) box.append(el("p", { className: "muted", textContent: finding.detail }));
  return box;
}

function xmlParts(xml, result, index) {
  const pre = el("pre", { className: "xml", id: "xml-" + index, tabIndex: 0 });
  const hits = new Set();
  for (const span of xml.findings) if (span) for (let n = span[0]; n <= span[1]; n++) hits.add(n);
  const signed = new Set();
  for (const span of xml.signed) for (let n = span[0]; n <= span[1]; n++) signed.add(n);
  xml.lines.forEach((line, i) => {
    const n = i + 1;
    const classes = [signed.has(n) ? "signed" : "", hits.has(n) ? "hit" : ""].join(" ").trim();
    pre.append(el("span", { textContent: line || " ", className: classes, id: "xml-" + index + "-" + n }));
  });
  const legend = el("p", { className: "legend" }, "Decoded XML, re-indented (signatures do not verify on this copy). ",
    el("span", { className: "signed", textContent: "covered by a valid signature" }), " ",
    el("span", { className: "hit", textContent: "named by a finding" }));
  return [el("h2", { textContent: "Decoded XML" }), legend, pre];
}

function focusLines(index, span) {
  document.querySelectorAll(".xml span.current").forEach((s) => s.classList.remove("current"));
  for (let n = span[0]; n <= span[1]; n++) {
    const line = document.getElementById("xml-" + index + "-" + n);
    if (line) line.classList.add("current");
  }
  const first = document.getElementById("xml-" + index + "-" + span[0]);
  const pre = document.getElementById("xml-" + index);
  if (first && pre) {
    pre.scrollTop = first.offsetTop - pre.offsetTop - 20;
    pre.scrollIntoView({ block: "nearest" });
    pre.focus();
  }
}

// --- the capture's messages ---------------------------------------------------------------------

function showMessages(answer, body) {
  const box = document.getElementById("messages");
  const capture = answer && answer.capture;
  box.hidden = !capture || capture.messages.length < 2;
  box.replaceChildren();
  if (box.hidden) return;
  const list = el("ol");
  for (const m of capture.messages) {
    const radio = el("input", { type: "radio", name: "message", value: String(m.index), checked: m.index === answer.selected });
    radio.addEventListener("change", async () => {
      const again = await run("check", Object.assign({}, body, { message: m.index }), document.getElementById("check"));
      if (again && !again.error) showMessages(again, body);
    });
    const words = "[" + m.index + "] " + m.type + "  from " + m.source + (m.issuer ? "  Issuer " + m.issuer : "") + (m.timestamp ? "  at " + m.timestamp : "");
    list.append(el("li", {}, el("label", {}, radio, el("span", { textContent: words }))));
  }
  box.append(el("p", {}, el("strong", { textContent: capture.source + ": " + capture.container + ", " + capture.messages.length + " SAML messages. " }),
    "Checked: [" + answer.selected + "]. Pick another:"), list);
  const chosen = box.querySelector("input:checked");
  if (chosen && document.activeElement && document.activeElement.name === "message") chosen.focus();
}

async function checkResponse(event) {
  event.preventDefault();
  const pasted = document.getElementById("capture").value;
  const capture = captureFile ? await fileItem(captureFile) : textItem("pasted capture", pasted);
  const body = {
    capture: [capture],
    metadata: await files("metadata-file", "metadata-text", "pasted metadata"),
    certs: await files("cert-file", "cert-text", "pasted certificate"),
    sp_keys: await files("key-file", "key-text", "pasted key"),
    at: document.getElementById("at").value,
  };
  const answer = await run("check", body, document.getElementById("check"));
  showMessages(answer && !answer.error ? answer : null, body);
}

function setCaptureFile(file) {
  captureFile = file;
  const area = document.getElementById("capture");
  area.value = file ? "(file: " + file.name + ", " + file.size.toLocaleString() + " bytes; type here to paste instead)" : "";
}

// --- wiring ---------------------------------------------------------------------------------------

function selectTab(tab) {
  for (const other of document.querySelectorAll('[role="tab"]')) {
    const on = other === tab;
    other.setAttribute("aria-selected", String(on));
    other.tabIndex = on ? 0 : -1;
    document.getElementById(other.getAttribute("aria-controls")).hidden = !on;
  }
  tab.focus();
}

document.addEventListener("DOMContentLoaded", () => {
  const tabs = Array.from(document.querySelectorAll('[role="tab"]'));
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => selectTab(tab));
    tab.addEventListener("keydown", (e) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
      if (step) selectTab(tabs[(i + step + tabs.length) % tabs.length]);
    });
  });
  const area = document.getElementById("capture");
  area.addEventListener("input", () => { captureFile = null; });
  area.addEventListener("dragover", (e) => { e.preventDefault(); area.classList.add("dragging"); });
  area.addEventListener("dragleave", () => area.classList.remove("dragging"));
  area.addEventListener("drop", (e) => {
    e.preventDefault();
    area.classList.remove("dragging");
    if (e.dataTransfer.files.length) setCaptureFile(e.dataTransfer.files[0]);
  });
  document.getElementById("capture-file").addEventListener("change", (e) => setCaptureFile(e.target.files[0] || null));
  document.getElementById("form-response").addEventListener("submit", checkResponse);
  document.getElementById("form-metadata").addEventListener("submit", async (e) => {
    e.preventDefault();
    await run("metadata", {
      metadata: await files("md-file", "md-text", "pasted metadata"),
      cert: await files("md-cert", null, ""),
      at: document.getElementById("md-at").value,
    }, document.getElementById("check-metadata"));
  });
  document.getElementById("form-keys").addEventListener("submit", async (e) => {
    e.preventDefault();
    await run("keys", {
      keys: await files("keys-file", "keys-text", "pasted key"),
      cert: await files("keys-cert", null, ""),
    }, document.getElementById("check-keys"));
  });
});
