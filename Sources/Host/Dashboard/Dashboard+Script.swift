extension DashboardFiles {
    /// The page's behaviour: every view talks to the admin API of the host that served it.
    static let script = #"""
        // Lyrebird's dashboard: fixtures, the live journal, usage charts and a test panel, through
        // the admin API of the host that serves this page. No framework, no build step.
        "use strict";

        const state = { token: sessionStorage.getItem("lyrebird-token") || "", entries: [], total: 0, editing: null, view: "fixtures" };
        const $ = (id) => document.getElementById(id);
        const palette = ["#2f6f4f", "#3b6ea8", "#b5651d", "#7b4f9d", "#a33b3b", "#4f8f8f", "#8a7a2a"];

        // An element with attributes and children (strings become text).
        function el(tag, attributes = {}, ...children) {
          const node = document.createElement(tag);
          for (const [name, value] of Object.entries(attributes)) {
            if (name === "class") node.className = value; else if (name.startsWith("on")) node.addEventListener(name.slice(2), value); else node.setAttribute(name, value);
          }
          for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? "")));
          return node;
        }

        function headers(extra = {}) {
          return state.token ? { ...extra, Authorization: "Bearer " + state.token } : extra;
        }

        // A call to the admin API: the parsed JSON, or an Error carrying the API's message.
        async function api(path, options = {}) {
          const response = await fetch(path, { ...options, headers: headers(options.headers) });
          const text = await response.text();
          let body = text;
          try { body = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
          if (response.status === 401) askForToken();
          if (!response.ok) {
            const error = new Error(body?.error?.message || `HTTP ${response.status}`);
            error.status = response.status;
            throw error;
          }
          return body;
        }

        function say(text) { $("status").textContent = text; }

        function askForToken() {
          $("token").hidden = false;
          $("token-input").focus();
        }

        function show(view) {
          state.view = view;
          for (const button of document.querySelectorAll("nav button")) {
            if (button.dataset.view === view) button.setAttribute("aria-current", "page"); else button.removeAttribute("aria-current");
          }
          for (const panel of document.querySelectorAll("[data-view-panel]")) panel.hidden = panel.id !== view;
          if (view === "fixtures") loadFixtures();
          if (view === "usage") drawUsage();
        }

        // --- Fixtures -------------------------------------------------------------------

        async function loadFixtures() {
          try {
            const list = await api("/_lyrebird/fixtures");
            const never = new Set(list.never_hit);
            const rows = list.fixtures.map((fixture, index) => {
              const flags = [];
              if (never.has(fixture.id)) flags.push(el("span", { class: "flag" }, "never hit"));
              if (fixture.shadowed) flags.push(el("span", { class: "flag shadowed", title: fixture.shadowed }, "shadowed"));
              const actions = fixture.origin === "runtime"
                ? [el("button", { type: "button", onclick: () => editFixture(fixture.id) }, "Edit"),
                   el("button", { type: "button", onclick: () => moveFixture(fixture.id, -1) }, "↑"),
                   el("button", { type: "button", onclick: () => deleteFixture(fixture.id) }, "Delete")]
                : [el("small", {}, fixture.location ? `read-only, ${fixture.location}` : "read-only")];
              return el("tr", { "data-id": fixture.id },
                el("td", {}, index + 1), el("td", {}, el("code", {}, fixture.name || fixture.id), flags),
                el("td", {}, el("code", {}, fixture.match)), el("td", {}, fixture.reply),
                el("td", {}, fixture.hits), el("td", {}, fixture.origin), el("td", {}, actions));
            });
            $("fixture-rows").replaceChildren(...rows);
            state.runtimeOrder = list.fixtures.filter((f) => f.origin === "runtime").map((f) => f.id);
            say(`${list.count} fixtures`);
          } catch (error) { say(error.message); }
        }

        async function saveFixture(event) {
          event.preventDefault();
          const text = $("fixture-text");
          const yaml = { "Content-Type": "application/yaml" };
          try {
            if (state.editing) {
              await api(`/_lyrebird/fixtures/${encodeURIComponent(state.editing)}`, { method: "PUT", headers: yaml, body: text.value });
            } else {
              await api("/_lyrebird/fixtures", { method: "POST", headers: yaml, body: text.value });
            }
            text.removeAttribute("aria-invalid");
            $("fixture-error").textContent = "";
            stopEditing();
            loadFixtures();
          } catch (error) {
            text.setAttribute("aria-invalid", "true");
            $("fixture-error").textContent = error.message;
          }
        }

        async function editFixture(id) {
          const fixture = await api(`/_lyrebird/fixtures/${encodeURIComponent(id)}`);
          state.editing = id;
          $("fixture-text").value = fixture.text || "";
          $("fixture-form-title").textContent = `Edit ${fixture.name || id}`;
          $("fixture-save").textContent = "Save";
          $("fixture-cancel").hidden = false;
          $("fixture-text").focus();
        }

        function stopEditing() {
          state.editing = null;
          $("fixture-form-title").textContent = "New fixture";
          $("fixture-save").textContent = "Create";
          $("fixture-cancel").hidden = true;
        }

        async function deleteFixture(id) {
          if (!confirm(`Delete fixture ${id}?`)) return;
          try { await api(`/_lyrebird/fixtures/${encodeURIComponent(id)}`, { method: "DELETE" }); } catch (error) { say(error.message); }
          loadFixtures();
        }

        async function moveFixture(id, step) {
          const order = [...(state.runtimeOrder || [])];
          const from = order.indexOf(id);
          const to = from + step;
          if (from < 0 || to < 0 || to >= order.length) return;
          order.splice(to, 0, order.splice(from, 1)[0]);
          try {
            await api("/_lyrebird/fixtures/order", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ order }) });
          } catch (error) { say(error.message); }
          loadFixtures();
        }

        // --- The live journal -------------------------------------------------------------

        // Calls `take` with the data of each server-sent event of `response`, as it arrives.
        async function readEvents(response, take) {
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = "";
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            buffer += value;
            let end;
            while ((end = buffer.indexOf("\n\n")) >= 0) {
              const lines = buffer.slice(0, end).split("\n");
              buffer = buffer.slice(end + 2);
              for (const line of lines) if (line.startsWith("data: ")) take(line.slice(6));
            }
          }
        }

        // Reads the server's events with fetch (EventSource cannot send the admin token).
        async function followJournal() {
          for (;;) {
            try {
              const response = await fetch("/_lyrebird/journal/stream", { headers: headers() });
              if (response.status === 401) { askForToken(); return; }
              await readEvents(response, (data) => takeJournal(JSON.parse(data)));
            } catch { /* the host went away: try again */ }
            await new Promise((resolve) => setTimeout(resolve, 2000));
          }
        }

        function takeJournal(update) {
          const before = state.total;
          state.total = update.total;
          state.entries = [...state.entries, ...update.entries].slice(-500);
          $("journal-count").textContent = update.total;
          // More requests than rows shown: a running count instead of every row.
          $("journal-rate").textContent = update.new > update.entries.length
            ? `${update.new} new in the last half second; the newest ${update.entries.length} shown` : "";
          if (update.entries.length) renderJournal();
          if (before !== update.total && state.view === "fixtures") loadFixtures();
        }

        function renderJournal() {
          const rows = state.entries.slice(-100).reverse().map((entry) => el("tr", { onclick: () => detail(entry), "data-request-id": entry.request_id },
            el("td", {}, new Date(entry.time * 1000).toLocaleTimeString()),
            el("td", {}, el("code", {}, `${entry.method} ${entry.path}`)),
            el("td", {}, entry.model || ""), el("td", {}, entry.context || ""),
            el("td", {}, entry.source || "", (entry.faults || []).length ? el("span", { class: "flag shadowed" }, "fault") : ""),
            el("td", { class: entry.status >= 400 || entry.status === 0 ? "status-bad" : "status-ok" }, entry.status),
            el("td", {}, entry.duration_ms.toFixed(1))));
          $("journal-rows").replaceChildren(...rows);
        }

        function detail(entry) {
          const box = $("journal-detail");
          const section = (title, text) => text ? [el("h3", {}, title), el("pre", {}, text)] : [];
          const pretty = (text) => { try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; } };
          box.replaceChildren(...[
            el("h3", {}, `${entry.request_id} · ${entry.status} · ${entry.duration_ms.toFixed(1)} ms`),
            section("Why no fixture matched", (entry.near_misses || []).join("\n")),
            section("Faults", (entry.faults || []).join("\n")),
            section("Warnings", (entry.warnings || []).join("\n")),
            section("Error", entry.error), section("Request", pretty(entry.request_body)), section("Reply", pretty(entry.reply)),
            section("The stream, write by write", (entry.reply_writes || []).map((write) => `+${write.ms.toFixed(1)} ms\n${write.text}`).join("\n")),
          ].flat());
          box.hidden = false;
        }

        // --- Usage --------------------------------------------------------------------------

        function svg(tag, attributes = {}, ...children) {
          const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
          for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
          for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
          return node;
        }

        // Bars of stacked series: `bars` is [{label, parts: {series: value}}].
        function barChart(target, bars, scale = 1) {
          const series = [...new Set(bars.flatMap((bar) => Object.keys(bar.parts)))];
          const most = Math.max(scale, ...bars.map((bar) => Object.values(bar.parts).reduce((a, b) => a + b, 0)));
          const width = Math.max(400, target.clientWidth || 800), height = 180, left = 40, bottom = 20;
          const step = (width - left) / Math.max(1, bars.length);
          const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `${bars.length} bars, the highest ${most}` });
          chart.append(svg("text", { x: 4, y: 12 }, most), svg("text", { x: 4, y: height - bottom }, 0));
          bars.forEach((bar, index) => {
            let y = height - bottom;
            series.forEach((name, place) => {
              const value = bar.parts[name] || 0;
              const size = (value / most) * (height - bottom - 10);
              y -= size;
              if (value) chart.append(svg("rect", { x: left + index * step + 1, y, width: Math.max(1, step - 2), height: size, fill: palette[place % palette.length] }, svg("title", {}, `${bar.label} ${name}: ${value}`)));
            });
            if (bars.length <= 12 || index % Math.ceil(bars.length / 12) === 0) chart.append(svg("text", { x: left + index * step, y: height - 5 }, bar.label));
          });
          // Swatches are SVG: the page's policy allows no inline styles.
          const swatch = (colour) => svg("svg", { width: 10, height: 10, "aria-hidden": "true" }, svg("rect", { width: 10, height: 10, fill: colour }));
          const legend = el("div", { class: "legend" }, series.map((name, place) => el("span", {}, swatch(palette[place % palette.length]), " ", name)));
          target.replaceChildren(chart, legend);
        }

        async function drawUsage() {
          try {
            const usage = await api("/analytics/usage?granularity=hour");
            barChart($("chart-requests"), usage.data.slice(-24).map((period) => ({ label: period.period.slice(11, 16) || period.period, parts: period.by_endpoint })));
            const verdicts = await api("/_lyrebird/verdicts");
            const byKey = {};
            for (const client of verdicts.data) byKey[client.api_key || "(no key)"] = (byKey[client.api_key || "(no key)"] || 0) + client.requests;
            barChart($("chart-keys"), Object.entries(byKey).map(([key, count]) => ({ label: key.length > 14 ? key.slice(0, 12) + "…" : key, parts: { requests: count } })));
            const quotas = await api("/_lyrebird/quotas");
            barChart($("chart-quotas"), quotas.data.flatMap((key) => key.limits.map((limit) => ({
              label: `${key.api_key} ${limit.name}`,
              parts: { "% of the limit used": Math.round((100 * limit.used) / Math.max(1, limit.limit)) },
            }))), 100);
            const bounds = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000, Infinity];
            const counts = bounds.map(() => 0);
            for (const entry of state.entries) counts[bounds.findIndex((bound) => entry.duration_ms <= bound)] += 1;
            barChart($("chart-latency"), bounds.map((bound, index) => ({ label: bound === Infinity ? "more" : `≤${bound}`, parts: { requests: counts[index] } })));
          } catch (error) { say(error.message); }
        }

        // --- Test panel -----------------------------------------------------------------------

        function tryRequest() {
          const model = $("try-model").value, text = $("try-message").value, stream = $("try-stream").checked;
          switch ($("try-endpoint").value) {
            case "responses": return ["/v1/responses", { model, input: text, stream }];
            case "messages": return ["/v1/messages", { model, max_tokens: 1024, messages: [{ role: "user", content: text }], stream }];
            default: return ["/v1/chat/completions", { model, messages: [{ role: "user", content: text }], stream }];
          }
        }

        // The text a stream's event adds, whatever the endpoint's shape.
        function deltaText(data) {
          return data.choices?.[0]?.delta?.content ?? (data.type === "response.output_text.delta" ? data.delta : null) ?? data.delta?.text ?? "";
        }

        function wholeText(body) {
          return body.choices?.[0]?.message?.content ?? body.output_text ?? body.output?.flatMap((item) => item.content || []).map((part) => part.text || "").join("")
            ?? body.content?.map((part) => part.text || "").join("") ?? JSON.stringify(body, null, 2);
        }

        // The latest journal entry of `path`: what answered a request that carried no id back.
        async function latestEntry(path) {
          const first = await api(`/_lyrebird/journal?path=${encodeURIComponent(path)}&limit=1`);
          if (first.total === 0) return null;
          const last = await api(`/_lyrebird/journal?path=${encodeURIComponent(path)}&limit=1&offset=${first.total - 1}`);
          return last.data[0] ?? null;
        }

        // One request over a WebSocket session (`/v1/chat`, Lyrebird's envelope): its chunks as
        // they come, until `chat.done` or an error.
        function sendOverWebSocket(out) {
          const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/v1/chat`);
          socket.addEventListener("open", () => {
            const message = { role: "user", content: $("try-message").value };
            socket.send(JSON.stringify({ type: "chat.request", id: "panel", request: { model: $("try-model").value, messages: [message] } }));
          });
          socket.addEventListener("message", async (event) => {
            const message = JSON.parse(event.data);
            if (message.type === "chat.chunk") out.textContent += deltaText(message.chunk);
            if (message.type === "error") out.textContent = JSON.stringify(message.error, null, 2);
            if (message.type === "chat.done" || message.type === "error") {
              socket.close();
              $("try-status").textContent = message.type === "error" ? message.status : "done";
              const entry = await latestEntry("/v1/chat");
              $("try-fixture").textContent = entry?.source ?? "?";
            }
          });
          socket.addEventListener("error", () => { out.textContent = "The WebSocket session failed."; });
        }

        async function sendTry(event) {
          event.preventDefault();
          const out = $("try-reply");
          out.textContent = "";
          $("try-fixture").textContent = "…";
          if ($("try-endpoint").value === "websocket") return sendOverWebSocket(out);
          const [path, body] = tryRequest();
          const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json", "x-api-key": "dashboard" }, body: JSON.stringify(body) });
          $("try-status").textContent = response.status;
          if (body.stream && response.ok) {
            await readEvents(response, (data) => {
              try { out.textContent += deltaText(JSON.parse(data)); } catch { /* [DONE], or not JSON */ }
            });
          } else {
            const text = await response.text();
            try { out.textContent = response.ok ? wholeText(JSON.parse(text)) : JSON.stringify(JSON.parse(text), null, 2); } catch { out.textContent = text; }
          }
          const id = response.headers.get("x-request-id");
          if (id) {
            try {
              const found = await api(`/_lyrebird/journal?request_id=${encodeURIComponent(id)}`);
              $("try-fixture").textContent = found.data[0]?.source ?? "?";
            } catch (error) { $("try-fixture").textContent = error.message; }
          }
        }

        // --- Start ------------------------------------------------------------------------------

        document.addEventListener("DOMContentLoaded", () => {
          for (const button of document.querySelectorAll("nav button")) button.addEventListener("click", () => show(button.dataset.view));
          $("fixture-form").addEventListener("submit", saveFixture);
          $("fixture-cancel").addEventListener("click", stopEditing);
          $("try-form").addEventListener("submit", sendTry);
          $("token-form").addEventListener("submit", (event) => {
            event.preventDefault();
            state.token = $("token-input").value;
            sessionStorage.setItem("lyrebird-token", state.token);
            $("token").hidden = true;
            show(state.view);
            followJournal();
          });
          show("fixtures");
          followJournal();
        });
        """#
}
