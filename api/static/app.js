// The review page: a thin client of the review API. The token stays in this tab's
// sessionStorage; every figure and fact comes from the API.
"use strict";

// turn: counts the views asked for, so a view whose data comes after the next was asked
// for draws nothing over it
const state = { token: sessionStorage.getItem("doudi-token"), me: null, meta: null, turn: 0,
                filters: { trail: [], limit: 25, status: "unclosed", sort: "risk" } };
const main = document.getElementById("main");

const KIND_LABELS = { person: "人员", hukou_family: "户籍家庭", case: "救助案件",
  poverty_household: "建档立卡户", death: "死亡记录", disability: "残疾证", account: "银行账号",
  phone: "电话", address: "住址" };
const KIND_COLORS = { person: "#2b6cb0", hukou_family: "#805ad5", case: "#9b1c1c",
  poverty_household: "#b7791f", death: "#1a202c", disability: "#2f855a", account: "#4a5568",
  phone: "#4a5568", address: "#4a5568" };
const EDGE_LABELS = { member_of: "户籍成员", enrolled_in: "救助成员", in_poverty_household: "建档立卡",
  reported_dead: "死亡", certified: "持证", paid_to: "收款账号", uses: "使用" };
const MOVES = { open: ["in_review", "field_check"], in_review: ["confirmed", "dismissed", "field_check", "open"],
  field_check: ["in_review", "confirmed", "dismissed"], confirmed: ["in_review"], dismissed: ["in_review"] };
const DECIDED = ["confirmed", "dismissed"];
const ROLE_LABELS = { auditor: "审计员", analyst: "数据分析", consumer: "接口调用", admin: "管理员" };
// Fields shown side by side, in this order, when any row has them.
const COMPARE_FIELDS = ["name", "id_number", "id_number_status", "gender", "birth_date", "relation",
  "township", "village", "address", "phone", "case_no", "program", "dibao_class", "covered",
  "start_date", "end_date", "health", "income_per_capita", "bank_account", "hukou_no",
  "poverty_hh_no", "poverty_status", "disability_type", "disability_level", "cert_no",
  "death_date", "source", "pay_month", "amount"];

function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;",
    '"': "&quot;", "'": "&#39;" }[c]));
}

// A province's county as a reader knows it (双柏县, not 532322), with its code where the two differ.
function countyName(overview, county) {
  const name = (overview.county_names || {})[county] || county;
  return name === county ? county : `${name} ${county}`;
}

// The request fields a refusal may name, as the page's forms call them.
const FIELD_LABELS = { assignee: "责任人", due_date: "整改时限", note: "备注", reason: "理由",
  outcome: "处理结果", to_status: "核查结论", expected_status: "核查状态", file: "发放表" };

// What the API said went wrong, in Chinese: its detail text, or each invalid field named.
function errorText(body, response) {
  const detail = body?.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail.map(found => {
      const field = (found.loc || []).at(-1);
      return found.reason ? `${FIELD_LABELS[field] || field}：${found.reason}` : found.msg;
    }).join("；");
  }
  return `服务器未能处理请求（${response.status}）`;
}

// A request that reached no server (it is down, or the network is) fails in the browser's
// English ("Failed to fetch"): say it in Chinese.
async function reach(path, options) {
  try {
    return await fetch(path, options);
  } catch {
    throw new Error("无法连接服务器，请检查网络或确认兜底服务已启动后重试");
  }
}

// A read answered after the reader asked for another view fails as superseded: the view it
// was for is not drawn over the later one.
async function api(path, options = {}) {
  const turn = state.turn;
  const response = await reach(path, { ...options, headers: { ...(options.headers || {}),
    Authorization: `Bearer ${state.token}`, "Content-Type": "application/json" } });
  const body = response.headers.get("content-type")?.includes("json") ? await response.json().catch(() => null) : null;
  if (response.status === 401) {
    const error = new Error(errorText(body, response));
    error.signedOut = true;  // the sign-in form shows it
    signOut(error.message);
    throw error;
  }
  if (!response.ok) throw Object.assign(new Error(errorText(body, response)), { status: response.status });
  if (!options.method && turn !== state.turn) throw Object.assign(new Error("superseded"), { superseded: true });
  return body;
}

// An amount in yuan to the fen, as the API, the evidence and the ledgers write it: 2,116.00
function yuan(value) {
  return Number(value).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}
function money(value) {
  return value == null ? "—" : `${yuan(value)} 元`;
}
function today() {
  const d = new Date(), pad = n => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
function countyNames(item) {
  return `${esc(item.counties.join("、"))}${item.counties.length > 1 ? ' <span class="status cross">跨县</span>' : ""}`;
}
function overdueTag(item) { return item.overdue ? ' <span class="status overdue">逾期</span>' : ""; }
function scoreClass(score) { return score >= 0.9 ? "high" : score >= 0.7 ? "mid" : "low"; }
// two decimals cut down, as the evidence writes it: only a certain lead reads 1.00
function scoreText(score) { return (Math.floor(Math.round(score * 1e6) / 1e4) / 100).toFixed(2); }
function statusTag(status) { return `<span class="status ${status}">${esc(state.meta.statuses[status])}</span>`; }
function caseLabel(type) { return state.meta.case_types[type] || type; }

function codeText(registry, field, value) {
  if (value == null || value === "") return "";
  if (field.endsWith("id_number_status")) return state.meta.id_statuses[value] || value;
  const kind = state.meta.kinds[registry]?.[field];
  if (kind === "amount" && Number.isFinite(Number(value))) return yuan(value);  // its column says 元
  const label = kind && state.meta.codes[kind]?.[String(value)];
  return label || String(value);
}

// A view drawn anew after one form is saved keeps what was typed, and not yet saved, in its
// other forms (a decision note while assigning, one held line's note while another is cleared).
async function redraw(show, id, saved) {
  const typed = [];
  main.querySelectorAll("form").forEach(form => {
    if (form === saved) return;  // saved: drawn empty
    const where = form.id ? `form#${form.id}` : `form.${form.className}[data-line="${form.dataset.line}"]`;
    form.querySelectorAll("input:not([type=file]), textarea, select").forEach(field => {
      const changed = field.tagName === "SELECT" ? !field.selectedOptions[0]?.defaultSelected
        : field.value !== field.defaultValue;
      if (field.name && changed) typed.push([where, field.name, field.value]);
    });
  });
  await show(id);
  for (const [where, name, value] of typed) {
    const field = main.querySelector(where)?.elements.namedItem(name);
    if (field) field.value = value;
  }
}

// ---------------------------------------------------------------- sign in

function showLogin(message = "") {
  document.getElementById("nav").hidden = true;
  main.innerHTML = `<section class="login"><h2>登录</h2>
    <p class="muted">请输入管理员发给您的访问令牌。</p>
    <form id="login"><input id="token" type="password" autocomplete="off" placeholder="访问令牌">
    <button class="primary" type="submit">登录</button></form>
    <p class="error">${esc(message)}</p></section>`;
  document.getElementById("login").addEventListener("submit", async event => {
    event.preventDefault();
    state.token = document.getElementById("token").value.trim();
    if (!state.token) return showLogin("请输入访问令牌");
    try {
      await start();
    } catch (error) {
      showLogin(error.message);
    }
  });
}

async function start() {
  const me = await api("/api/me");
  if (!["auditor", "analyst"].includes(me.role)) {
    state.token = null;  // not signed in: no view is drawn with it
    throw new Error("此令牌的角色不能查看疑点");
  }
  state.me = me;
  sessionStorage.setItem("doudi-token", state.token);
  state.meta = await api("/api/meta");
  document.getElementById("nav").hidden = false;
  document.getElementById("who").textContent = `${state.me.name}（${ROLE_LABELS[state.me.role]}）`;
  if (!location.hash || location.hash === "#/login") location.hash = "#/queue";
  else route();
}

function signOut(message = "") {
  sessionStorage.removeItem("doudi-token");
  state.token = null;
  state.me = null;
  showLogin(message);
}
document.getElementById("signout").addEventListener("click", () => signOut());

// ---------------------------------------------------------------- queue

const SORTS = { risk: "风险评分从高到低", amount: "涉及金额从高到低" };

// A row that opens a view: by click, and from the keyboard (it is in the tab order) by
// Enter or Space.
function opens(row, hash) {
  row.onclick = () => { location.hash = hash; };
  row.onkeydown = event => {
    if (event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault();
    location.hash = hash;
  };
}

async function showQueue() {
  const overview = await api("/api/overview");
  const f = state.filters;
  // trail: the next_after of each page before this one (pages by cursor skip no case when
  // one is closed meanwhile)
  const { trail, ...query } = f;
  const params = new URLSearchParams(Object.entries({ ...query, after: trail.at(-1) })
    .filter(([, v]) => v !== "" && v != null));
  // a search the API refuses (an analyst's ID number, a cursor gone) keeps the filters to
  // correct, with why in place of the cases
  const page = await api(`/api/cases?${params}`).catch(error => {
    if (error.signedOut || error.superseded) throw error;
    return { total: 0, items: [], next_after: null, refused: error.message };
  });
  const townships = Object.keys(overview.by_township);
  const counties = Object.keys(overview.by_county);  // a province drop's; none for one county
  const typeChips = Object.entries(overview.by_type).map(([type, t]) =>
    `<button type="button" class="chip ${f.case_type === type ? "on" : ""}" aria-pressed="${f.case_type === type}" data-type="${type}">${esc(caseLabel(type))} ${t.cases}</button>`).join("")
    // a type the data judged nowhere has no leads, and no count: it says so, not 0
    + overview.unjudged_everywhere.filter(type => !overview.by_type[type]).map(type =>
      `<span class="chip unjudged" title="缺少数据，未能判断此类疑点（见疑点汇总）">${esc(caseLabel(type))} ${UNJUDGED}</span>`).join("");
  const townChips = townships.map(name =>
    `<button type="button" class="chip ${f.township === name ? "on" : ""}" aria-pressed="${f.township === name}" data-township="${esc(name)}">${esc(name)} ${overview.by_township[name].cases}</button>`).join("");
  main.innerHTML = `<section><h2>疑点队列 <small class="muted">${f.sort === "amount" ? "按涉及金额从高到低" : "按风险评分从高到低"}</small></h2>
    <form class="filters" id="filters">
      <label>疑点类型<select name="case_type"><option value="">全部</option>${Object.entries(state.meta.case_types)
        .map(([k, v]) => `<option value="${k}" ${f.case_type === k ? "selected" : ""}>${esc(v)}</option>`).join("")}</select></label>
      ${counties.length ? `<label>区县<select name="county"><option value="">全部</option>${counties
        .map(c => `<option value="${esc(c)}" ${f.county === c ? "selected" : ""}>${esc(countyName(overview, c))}（${overview.by_county[c]}）</option>`).join("")}</select></label>` : ""}
      <label>乡镇<select name="township"><option value="">全部</option>${townships
        .map(t => `<option ${f.township === t ? "selected" : ""}>${esc(t)}</option>`).join("")}</select></label>
      <label>核查状态<select name="status"><option value="unclosed" ${f.status === "unclosed" ? "selected" : ""}>全部未结</option>
        <option value="" ${f.status === "" ? "selected" : ""}>全部（含已核实）</option>${Object.entries(state.meta.statuses)
        .map(([k, v]) => `<option value="${k}" ${f.status === k ? "selected" : ""}>${esc(v)}</option>`).join("")}
        <option value="resolved" ${f.status === "resolved" ? "selected" : ""}>数据已消除</option></select></label>
      <label>排序<select name="sort">${Object.entries(SORTS).map(([k, v]) =>
        `<option value="${k}" ${f.sort === k ? "selected" : ""}>${v}</option>`).join("")}</select></label>
      <label>最低评分<input name="min_score" type="number" min="0" max="1" step="0.05" value="${f.min_score ?? ""}"></label>
      <label>查找<input name="who" maxlength="40" placeholder="${state.me.sees_full_ids ? "姓名、救助证号或身份证号" : "姓名或救助证号"}" value="${esc(f.who ?? "")}"></label>
      <label class="check"><span><input name="overdue" type="checkbox" value="true" ${f.overdue === "true" ? "checked" : ""}> 仅逾期未处置</span></label>
      <button class="primary" type="submit">筛选</button>
      <button type="button" id="clear">清除</button>
    </form>
    <div class="chips">${typeChips}</div><div class="chips">${townChips}</div></section>
    <section><h3>${page.refused ? "未能查询" : `共 ${page.total} 条`}${f.overdue === "true" ? ' <small class="muted">仅显示逾期未处置的疑点（整改时限已过、尚未核实属实或不属实）</small>' : ""}</h3>
    <div class="scroll"><table id="queue"><thead><tr><th class="num">风险评分</th><th>类型</th>${counties.length ? "<th>区县</th>" : ""}<th>乡镇</th><th>村组</th>
      <th class="num">涉及金额</th><th>状态</th><th>责任人</th><th>整改时限</th><th>疑点编号</th></tr></thead><tbody>
      ${page.items.map(c => `<tr class="row-link" tabindex="0" aria-label="打开疑点 ${c.case_id}" data-case="${c.case_id}">
        <td class="num"><span class="score ${scoreClass(c.risk_score)}">${scoreText(c.risk_score)}</span></td>
        <td>${esc(caseLabel(c.case_type))}</td>${counties.length ? `<td>${countyNames(c)}</td>` : ""}<td>${esc(c.township)}</td><td>${esc(c.village)}</td>
        <td class="num">${money(c.amount_at_risk)}</td><td>${statusTag(c.status)}${c.resolved_by_data ? " <span class=muted>数据已消除</span>" : ""}</td>
        <td>${esc(c.assignee ?? "")}</td><td>${esc(c.due_date ?? "")}${overdueTag(c)}</td>
        <td class="muted">${c.case_id}</td></tr>`).join("") || `<tr><td colspan="${counties.length ? 10 : 9}" class="${page.refused ? "error" : "muted"}" id="queue-empty">${esc(page.refused ?? "没有符合条件的疑点")}</td></tr>`}
    </tbody></table></div>
    <div class="pager"><button id="prev" ${trail.length === 0 ? "disabled" : ""}>上一页</button>
      <span>第 ${trail.length + 1} / ${Math.max(1, Math.ceil(page.total / f.limit), trail.length + 1)} 页</span>
      <button id="next" ${page.next_after == null ? "disabled" : ""}>下一页</button></div></section>`;
  document.getElementById("filters").addEventListener("submit", event => {
    event.preventDefault();
    const data = new FormData(event.target);
    state.filters = { ...state.filters, trail: [], case_type: data.get("case_type"),
      county: data.get("county") ?? "", township: data.get("township"), status: data.get("status"), min_score: data.get("min_score"), who: (data.get("who") ?? "").trim(),
      overdue: data.get("overdue") ? "true" : "", sort: data.get("sort") };
    route();
  });
  document.getElementById("clear").onclick = () => { state.filters = { trail: [], limit: 25, status: "unclosed", sort: "risk" }; route(); };
  document.getElementById("prev").onclick = () => { f.trail = trail.slice(0, -1); route(); };
  document.getElementById("next").onclick = () => { f.trail = [...trail, page.next_after]; route(); };
  main.querySelectorAll("[data-type]").forEach(chip => chip.onclick = () => {
    state.filters = { ...f, trail: [], case_type: f.case_type === chip.dataset.type ? "" : chip.dataset.type };
    route();
  });
  main.querySelectorAll("[data-township]").forEach(chip => chip.onclick = () => {
    state.filters = { ...f, trail: [], township: f.township === chip.dataset.township ? "" : chip.dataset.township };
    route();
  });
  main.querySelectorAll("tr[data-case]").forEach(row => opens(row, `#/case/${row.dataset.case}`));
}

// ---------------------------------------------------------------- case

function comparisonTable(rows) {
  const fields = COMPARE_FIELDS.filter(field => rows.some(row => row[field] != null && row[field] !== ""));
  const head = rows.map(row => `<th>${esc(state.meta.registries[row.registry])}<br><span class="muted">${esc(row.record_id)} · 第${row.row_no}行</span></th>`).join("");
  // a row is compared only with the rows of its own person (a row of no person, a payment,
  // with none): two people of one lead differ by nature
  const person = rows.map(row => row.person_id ?? row.unique_id);
  const body = fields.map(field => {
    const values = rows.map(row => codeText(row.registry, field, row[field]));
    const first = {};  // each person's first value
    values.forEach((v, i) => { if (v !== "" && !(person[i] in first)) first[person[i]] = v; });
    const label = rows.map(row => state.meta.columns[row.registry]?.[field]).find(Boolean)
      || (field === "id_number_status" ? "证号校验" : field);
    return `<tr data-field="${esc(field)}"><th class="rowhead">${esc(label)}</th>${values.map((v, i) =>
      `<td class="${v !== "" && v !== first[person[i]] ? "diff" : ""}">${esc(v)}</td>`).join("")}</tr>`;
  }).join("");
  return `<table class="compare"><thead><tr><th>字段</th>${head}</tr></thead><tbody>${body}</tbody></table>
    <p class="muted">黄色：与同一人的第一条记录不一致的值（同一人在不同登记库中的写法差异或可疑之处）；不同人员的记录之间不作比较。</p>`;
}

function householdSvg(graph) {
  const rows = { top: ["hukou_family", "case", "poverty_household"], middle: ["person"],
                 bottom: ["death", "disability", "account", "phone", "address"] };
  const width = 860, rowY = { top: 50, middle: 170, bottom: 290 };
  const placed = {};
  for (const [band, kinds] of Object.entries(rows)) {
    const nodes = graph.nodes.filter(n => kinds.includes(n.kind));
    nodes.forEach((node, i) => { placed[node.id] = { ...node, x: (width / (nodes.length + 1)) * (i + 1), y: rowY[band] }; });
  }
  const edges = graph.edges.map(e => {
    const a = placed[e.source], b = placed[e.target];
    if (!a || !b) return "";
    const weak = e.probability < 0.99;
    return `<line x1="${a.x}" y1="${a.y}" x2="${b.x}" y2="${b.y}" stroke="${weak ? "#c53030" : "#9fb3c8"}"
      stroke-width="${weak ? 2 : 1.2}" ${weak ? 'stroke-dasharray="5 3"' : ""}><title>${esc(EDGE_LABELS[e.kind] || e.kind)} · ${esc(state.meta.registries[e.registry] || e.registry)} ${esc(e.record_id)} · 关联概率 ${e.probability.toFixed(3)}</title></line>`;
  }).join("");
  const nodes = Object.values(placed).map(n => {
    const label = String(n.label).length > 12 ? String(n.label).slice(0, 12) + "…" : n.label;
    const shape = n.kind === "person"
      ? `<circle cx="${n.x}" cy="${n.y}" r="${n.focus ? 16 : 11}" fill="${KIND_COLORS.person}" ${n.focus ? 'stroke="#9b1c1c" stroke-width="4"' : ""}/>`
      : `<rect x="${n.x - 12}" y="${n.y - 12}" width="24" height="24" rx="4" fill="${KIND_COLORS[n.kind] || "#718096"}"/>`;
    return `<g>${shape}<text x="${n.x}" y="${n.y + 30}" text-anchor="middle">${esc(label)}</text>
      <text x="${n.x}" y="${n.y + 44}" text-anchor="middle" class="muted" fill="#616e7c">${esc(KIND_LABELS[n.kind] || n.kind)}</text>
      <title>${esc(KIND_LABELS[n.kind])}：${esc(n.label)}</title></g>`;
  }).join("");
  return `<svg id="household" viewBox="0 0 ${width} 350" width="100%" role="img" aria-label="家庭关系图">${edges}${nodes}</svg>
    <p class="muted">红框圆点：本疑点涉及的人员；红色虚线：关联概率低于 0.99 的记录。</p>`;
}

// Whether the caller may record the verdict ``same`` on a link: below auditor, not one that
// may end the lead or change the case's linking, nor one reversing an auditor's label in
// force (the API's rule, api.reviews.label_may_end_lead and record_link_label).
function mayLabel(detail, link, inForce, same) {
  if (state.me.role === "auditor") return true;
  const person = uid => detail.rows.find(row => row.unique_id === uid)?.person_id ?? null;
  const [left, right] = [person(link.left), person(link.right)];
  const endsLead = (left === right) !== same || left == null || right == null
    || (state.meta.identity_leads.includes(detail.case_type) && !same);
  const reverses = inForce?.role === "auditor" && inForce.same_person !== same;
  return !detail.resolved_by_data && !endsLead && !reverses;
}

function labelLine(detail, link, labels) {
  const [l, r] = [link.left, link.right].sort();
  const pair = labels.filter(x => x.unique_id_l === l && x.unique_id_r === r);
  const latest = pair.at(-1), inForce = pair.filter(x => !x.pending).at(-1);
  const waiting = latest?.pending ? "，待另一位审计员确认后生效" : "";
  const shown = latest ? `<span class="status label">已标注：${latest.same_person ? "同一人" : "不是同一人"}（${esc(latest.actor)}${waiting}）</span>` : "";
  const buttons = [[true, "标为同一人"], [false, "标为不是同一人"]].filter(([same]) => mayLabel(detail, link, inForce, same))
    .map(([same, text]) => `<button type="button" data-same="${same}">${text}</button>`).join("");
  const form = buttons ? `<input type="text" class="label-note" aria-label="标注依据" placeholder="依据（拆分或合并同一证号的记录时必填）">
    ${buttons}<span class="muted">标注在重新运行后保留，并用于下次关联。</span>`
    : `<span class="muted">改变本疑点记录关联的标注须由审计员作出。</span>`;
  return `<div class="chips label-line" data-left="${esc(link.left)}" data-right="${esc(link.right)}">${shown}
    ${form}</div>`;
}

function linkBars(detail, labels) {
  const { links, rows } = detail;
  const name = uid => { const row = rows.find(r => r.unique_id === uid); return row ? `${state.meta.registries[row.registry]} ${row.record_id}` : uid; };
  if (!links.length) return `<p class="muted">本疑点的记录之间没有需要概率判断的身份关联（单条记录或证号完全一致）。</p>`;
  return links.map(link => {
    const max = Math.max(...link.comparisons.map(c => Math.abs(c.weight)), 1);
    return `<div class="card bars"><h3>${esc(name(link.left))} ↔ ${esc(name(link.right))}：同一人概率 ${link.probability.toFixed(4)}</h3>
      ${link.comparisons.filter(c => c.weight !== 0).map(c => {
        const pct = Math.min(50, Math.abs(c.weight) / max * 50);
        return `<div class="line"><span>${esc(state.meta.comparisons[c.comparison] || c.comparison)}：${esc(c.level)}</span>
          <span class="track"><span class="mid"></span><span class="fill ${c.weight >= 0 ? "pos" : "neg"}" style="width:${pct}%"></span></span>
          <span class="num">${c.weight >= 0 ? "+" : ""}${c.weight.toFixed(1)}</span></div>`;
      }).join("")}
      <p class="muted">绿色：支持是同一人；红色：反对（匹配权重，log₂ 比值；未列出的比对项为空值，不计分）。</p>
      ${labels ? labelLine(detail, link, labels) : ""}</div>`;
  }).join("");
}

function amountChanges(changes) {
  // a lead's money growing month by month is money still paid; money cut is to be explained
  if (!changes || !changes.length) return "";
  const said = changes.map(c => `运行 ${esc(c.run_id)}：${money(c.before)} → ${money(c.after)}`).join("；");
  const cut = changes.some(c => (c.after ?? 0) < (c.before ?? 0));
  return cut
    ? `<p id="amount-changes" class="error">涉及金额曾经减少，请核对减少的原因（如死亡日期、名册或发放记录被修改，或已退回）：${said}</p>`
    : `<p id="amount-changes" class="muted">涉及金额历次变化：${said}</p>`;
}

function resolutionNote(resolution) {
  if (!resolution) return "";
  const labels = resolution.labels.map(l => `<li>标注 #${l.label_id}：${esc(l.unique_id_l)} 与 ${esc(l.unique_id_r)} ${l.same_person ? "是同一人" : "不是同一人"}（${esc(l.actor)}，${esc(l.recorded_at.replace("T", " ").slice(0, 19))}）</li>`).join("");
  return `<section id="resolution"><h3>数据消除原因</h3><p>运行 ${esc(resolution.run_id)}：${esc(resolution.reason)}</p>${labels ? `<ol>${labels}</ol>` : ""}</section>`;
}

// Why a date reads 2024-**-** in the evidence and whole in the rows, for a role that reads
// masks (api.masking): a date inside a text may be a birth date, a date field says its day.
function dateMaskNote() {
  if (state.me.sees_full_ids) return "";
  return `<p class="muted" id="date-mask-note">文字（事实与依据、理由）中的日期只显示年份，因其中可能有出生日期；下方记录对照中的日期字段完整显示，出生日期只显示年份。</p>`;
}

function eventText(e) {
  if (e.kind === "link_label") return "身份标注";
  if (e.kind === "assignment") return `指派给 ${esc(e.assignee)}，整改时限 ${esc(e.due_date)}`;
  if (e.from_status === e.to_status) return `添加备注（${statusTag(e.to_status)}）`;
  return `${statusTag(e.from_status)} → ${statusTag(e.to_status)}`;
}

function assignForm(detail) {
  if (state.me.role !== "auditor") return "";
  return `<section><h3>指派</h3><form id="assign" class="assign">
    <label>责任人<input name="assignee" maxlength="100" required placeholder="姓名" value="${esc(detail.assignee ?? "")}"></label>
    <label>整改时限<input name="due_date" type="date" min="${today()}" required></label>
    <label class="wide">备注<input name="note" maxlength="2000" placeholder="可选"></label>
    <button type="submit">指派</button></form>
    <p class="muted">重新指派会追加一条记录，以最新一次为准。</p><p class="error" id="assign-error"></p></section>`;
}

// A decision refused because the case changed since it was drawn (another reviewer's
// decision or note: 409, 412): the case is drawn anew with what was typed kept.
const STALE = [409, 412];
const STALE_NOTE = "您打开本案后，本案已有新的核查记录（如其他核查人员的结论、备注或指派，见核查记录），页面已更新；您填写的内容已保留，请确认后重新提交。";

function decisionForm(detail) {
  if (state.me.role !== "auditor") return `<p class="muted">您的角色只能查看，不能记录核查结论。</p>`;
  const moves = MOVES[detail.status] || [];
  // leaving a decided status (reopening) needs a reason, as 不属实 does: the API refuses it
  const reasonHint = DECIDED.includes(detail.status) ? "重新打开的理由（改回“核查中”时必填）"
    : "不属实的理由（选择“不属实”时必填）";
  return `<form id="decide"><textarea name="note" rows="3" style="width:100%" placeholder="核查说明（可选）"></textarea>
    <textarea name="reason" rows="2" style="width:100%" placeholder="${reasonHint}"></textarea>
    <div class="chips">${moves.map(to => `<button type="submit" class="${to === "confirmed" ? "primary" : ""}" data-to="${to}">${esc(state.meta.statuses[to])}</button>`).join("")}
    <button type="submit" data-to="${detail.status}">仅添加备注</button></div>
    <p class="error" id="decide-error"></p></form>`;
}

async function showCase(caseId) {
  const detail = await api(`/api/cases/${caseId}`);
  const labels = ["auditor", "analyst"].includes(state.me.role) ? await api(`/api/cases/${caseId}/link-labels`) : null;
  const history = detail.history.map(e => `<li><b>${esc(e.actor)}</b>${e.token_id ? `（令牌 ${esc(e.token_id)}${e.token_created_by ? `，由 ${esc(e.token_created_by)} 签发` : ""}）` : ""} ${esc(e.recorded_at.replace("T", " ").slice(0, 19))}：
    ${eventText(e)}${e.note ? `<br>${esc(e.note)}` : ""}${e.reason ? `<br>理由：${esc(e.reason)}` : ""}</li>`).join("");
  main.innerHTML = `<p><a href="#/queue">← 返回队列</a></p>
    <section><h2>${esc(caseLabel(detail.case_type))} · <span class="score ${scoreClass(detail.risk_score)}">风险评分 ${scoreText(detail.risk_score)}</span>
      · ${statusTag(detail.status)} ${detail.resolved_by_data ? '<span class="muted">（后续数据中已不再出现）</span>' : ""}</h2>
      <p>${detail.counties.length ? `区县 ${countyNames(detail)} · ` : ""}${esc(detail.township)} ${esc(detail.village)} · 涉及金额 ${money(detail.amount_at_risk)} · 疑点编号 <span class="muted">${detail.case_id}</span></p>
      ${amountChanges(detail.amount_changes)}
      ${detail.assignee ? `<p id="assigned">责任人 ${esc(detail.assignee)} · 整改时限 ${esc(detail.due_date)}${overdueTag(detail)}</p>` : ""}</section>
    <div class="grid"><div>
      <section><h3>事实与依据</h3><ol class="facts">${detail.evidence.map(item => `<li>${esc(item)}</li>`).join("")}</ol>${dateMaskNote()}</section>
    </div><div>
      <section><h3>核查结论</h3>${decisionForm(detail)}</section>
      ${assignForm(detail)}
      <section><h3>核查记录</h3>${history ? `<ol class="history">${history}</ol>` : '<p class="muted">尚无记录</p>'}</section>
      ${resolutionNote(detail.resolution)}
    </div></div>
    <section><h3>各登记库记录对照</h3><div class="scroll">${comparisonTable(detail.rows)}</div></section>
    <section><h3>家庭关系图</h3>${householdSvg(detail.graph)}</section>
    <section><h3>身份关联的依据</h3><div class="links">${linkBars(detail, labels)}</div>
      <p class="error" id="label-error"></p></section>`;
  main.querySelectorAll(".label-line button").forEach(button => button.onclick = async () => {
    const line = button.closest(".label-line");
    const note = line.querySelector(".label-note").value.trim() || null;
    const body = { left: line.dataset.left, right: line.dataset.right, same_person: button.dataset.same === "true", note };
    try {
      await api(`/api/cases/${caseId}/link-labels`, { method: "POST", body: JSON.stringify(body) });
      redraw(showCase, caseId);
    } catch (error) {
      document.getElementById("label-error").textContent = `未能保存标注：${error.message}`;
    }
  });
  const assign = document.getElementById("assign");
  if (assign) assign.addEventListener("submit", async event => {
    event.preventDefault();
    const data = new FormData(assign);
    const body = { assignee: data.get("assignee").trim(), due_date: data.get("due_date"), note: data.get("note") || null };
    try {
      await api(`/api/cases/${caseId}/assignments`, { method: "POST", body: JSON.stringify(body) });
      redraw(showCase, caseId, assign);
    } catch (error) {
      document.getElementById("assign-error").textContent = `未能指派：${error.message}`;
    }
  });
  const form = document.getElementById("decide");
  if (!form) return;
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const data = new FormData(form);
    const body = { to_status: event.submitter.dataset.to, expected_status: detail.status,
      note: data.get("note") || null, reason: data.get("reason") || null };
    try {
      const version = detail.history.length ? detail.history[detail.history.length - 1].event_id : 0;
      await api(`/api/cases/${caseId}/decisions`, { method: "POST", body: JSON.stringify(body), headers: { "If-Match": `"${version}"` } });
      redraw(showCase, caseId, form);
    } catch (error) {
      if (STALE.includes(error.status)) await redraw(showCase, caseId);  // theirs shown, the typed kept
      document.getElementById("decide-error").textContent = STALE.includes(error.status)
        ? `未能保存：${STALE_NOTE}` : `未能保存：${error.message}`;
    }
  });
}

// ---------------------------------------------------------------- overview

async function showOverview() {
  const o = await api("/api/overview");
  const types = Object.keys(state.meta.case_types);
  const maxCases = Math.max(1, ...Object.values(o.by_township).map(t => t.cases));
  main.innerHTML = `<section><h2>疑点汇总 <small class="muted">未结疑点（已核实属实或不属实的 ${(o.by_status.confirmed ?? 0) + (o.by_status.dismissed ?? 0)} 条、数据已消除的 ${o.resolved_by_data} 条不计）</small></h2>
    <p id="overdue" class="${o.overdue ? "late" : ""}">逾期未处置 <a href="#/queue">${o.overdue} 件</a>
      <span class="muted">（整改时限已过、尚未核实属实或不属实的疑点）</span></p>
    <div class="kpis"><div class="card kpi">疑点<b>${o.cases}</b></div><div class="card kpi">涉及金额<b>${money(o.amount_at_risk)}</b></div>
    ${Object.entries(o.by_status).map(([s, n]) => `<div class="card kpi">${esc(state.meta.statuses[s])}<b>${n}</b></div>`).join("")}</div>
    <p class="muted">${esc(state.meta.amount_note)}</p></section>
    ${unjudgedSection(o.unjudged)}
    ${changesSection(o.changes)}
    <section><h3>按疑点类型</h3><div class="scroll"><table><thead><tr><th>类型</th><th class="num">疑点</th><th class="num" title="风险评分不低于 ${state.meta.likely_score} 的疑点：可能性较大；其余多为重名等待核实身份的线索">其中评分≥${state.meta.likely_score}</th><th class="num">涉及金额</th><th>台账</th></tr></thead><tbody>
    ${types.map(t => `<tr><td>${esc(caseLabel(t))}</td><td class="num">${judged(o.by_type[t]?.cases ?? 0, o.unjudged_everywhere.includes(t))}</td><td class="num">${judged(o.by_type[t]?.likely ?? 0, o.unjudged_everywhere.includes(t))}</td><td class="num">${o.unjudged_everywhere.includes(t) && !o.by_type[t] ? UNJUDGED : state.meta.money_types.includes(t) ? money(o.by_type[t]?.amount_at_risk ?? 0) : "—"}</td>
      <td><a href="#" data-ledger="${t}">下载摸排台账</a></td></tr>`).join("")}</tbody></table></div>
    <p><a href="#" data-ledger="summary">下载乡镇汇总表</a> · <a href="#" data-ledger="monthly">下载月度分析报告</a>
      <small class="muted" id="monthly-period">（月度分析报告的“本期核实属实”只计上次运行发布至本次运行发布之间的核实，其后的核实计入下期报告；本页和乡镇汇总表按当前核查状态统计）</small>
      · 梁平表式 ${[1, 2, 3, 4].map(n => `<a href="#" data-ledger="liangping/${n}">附件${n}</a>`).join(" ")}</p>
    <form id="movements" class="filters"><label>新纳入和退出梳理表：自<input name="from" type="month" required></label>
      <label>至<input name="to" type="month" required></label><button type="submit">下载</button></form>
    <p class="error" id="ledger-error"></p></section>
    <section><h3>按乡镇</h3><div class="scroll"><table id="by-township"><thead><tr><th>乡镇</th>${types.map(t => `<th class="num">${esc(caseLabel(t))}</th>`).join("")}
      <th class="num">合计</th><th class="num">涉及金额</th><th></th></tr></thead><tbody>
    ${townshipRows(o).map(([name, t]) => `<tr><td>${esc(name)}</td>${types.map(k => `<td class="num">${judged(t.by_type[k] ?? 0, (o.unjudged_by_township[name] ?? []).includes(k))}</td>`).join("")}
      <td class="num">${t.cases}</td><td class="num">${money(t.amount_at_risk)}</td>
      <td><span class="hbar" style="width:${Math.round(t.cases / maxCases * 160)}px"></span></td></tr>`).join("")}</tbody></table></div></section>`;
  main.querySelector("#overdue a").onclick = event => {
    event.preventDefault();
    state.filters = { trail: [], limit: 25, status: "unclosed", sort: "risk", overdue: "true" };
    location.hash = "#/queue";
  };
  main.querySelectorAll("[data-ledger]").forEach(link => link.onclick = event => { event.preventDefault(); download(link.dataset.ledger); });
  main.querySelector("#movements").onsubmit = event => {
    event.preventDefault();
    const data = new FormData(event.target);
    const [year, month] = data.get("to").split("-").map(Number);
    const last = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);  // the month's last day
    download("movements", { from: `${data.get("from")}-01`, to: last });
  };
}

const UNJUDGED = "未判断";

// A count as the page shows it: 未判断 for a 0 the data could not judge (a lead found is counted).
function judged(count, unjudged) { return unjudged && !count ? UNJUDGED : count; }

// The townships of open leads, and those the data could not judge a type in (no leads: 0).
function townshipRows(o) {
  const empty = { cases: 0, amount_at_risk: 0, by_type: {} };
  const names = [...new Set([...Object.keys(o.by_township), ...Object.keys(o.unjudged_by_township)])].sort();
  return names.map(name => [name, o.by_township[name] ?? empty]);
}

// What the latest run's data could not judge (a registry absent, or a township's rows): in words.
function unjudgedSection(gaps) {
  if (!gaps.length) return "";
  return `<section id="unjudged" class="unjudged"><h3>未能判断（缺少数据）</h3>
    <p>以下疑点因数据缺失未经判断，表中“${UNJUDGED}”不是 0，不代表没有问题：</p>
    <ul>${gaps.map(g => `<li>${esc(g.text)}</li>`).join("")}</ul></section>`;
}

function changesSection(c) {
  const runs = c.previous_run_id ? `本次运行 ${esc(c.run_id)}，上次运行 ${esc(c.previous_run_id)}`
    : `本次运行 ${esc(c.run_id ?? "无")}，此前没有已发布的运行：全部疑点计为新增`;
  const rows = Object.entries(c.by_township).map(([name, t]) => `<tr><td>${esc(name)}</td>
    <td class="num">${t.new}</td><td class="num">${t.resolved}</td><td class="num">${t.open}</td></tr>`).join("");
  return `<section><h3>本月变化（与上次运行相比）</h3><p class="muted">${runs}</p>
    <div class="scroll"><table id="changes"><thead><tr><th>乡镇</th><th class="num">新增</th><th class="num" title="因数据变化、口径调整或人员标注改变关联而不再构成的疑点；各条的消除原因见其核查状态">已消除</th><th class="num" title="上次和本次运行都提出的疑点，不论核查状态（含已核实属实或不属实的）；不同于上方的“待核查”">仍在（含已核实）</th></tr></thead>
    <tbody>${rows || `<tr><td colspan="4" class="muted">尚无已发布的运行</td></tr>`}</tbody>
    <tfoot><tr><th>合计</th><th class="num">${c.new}</th><th class="num">${c.resolved}</th><th class="num">${c.open}</th></tr></tfoot></table></div></section>`;
}

const LEDGER_FILES = { summary: "兜底疑点汇总表.xlsx", monthly: "兜底疑点月度分析报告.xlsx",
                       movements: "新纳入和退出低保特困人员分类梳理表.xlsx",
                       ...Object.fromEntries([1, 2, 3, 4].map(n => [`liangping/${n}`, `梁平表式附件${n}.xlsx`])) };

async function download(ledger, params = null) {
  const shown = document.getElementById("ledger-error");
  shown.textContent = "";
  const query = params ? `?${new URLSearchParams(params)}` : "";
  const response = await reach(`/api/ledgers/${ledger}.xlsx${query}`, { headers: { Authorization: `Bearer ${state.token}` } })
    .catch(error => { shown.textContent = `未能下载：${error.message}`; });
  if (!response) return;
  if (!response.ok) {  // an error's JSON is no workbook: nothing is saved
    const body = await response.json().catch(() => null);
    shown.textContent = `未能下载：${errorText(body, response)}`;
    return;
  }
  const blob = await response.blob();
  const anchor = document.createElement("a");
  anchor.href = URL.createObjectURL(blob);
  anchor.download = LEDGER_FILES[ledger] || `${caseLabel(ledger)}摸排台账.xlsx`;
  anchor.click();
}

// ---------------------------------------------------------------- screenings (发放前审核)

const HOLD_NOTE = "暂缓仅为发放前核实提示，不是停发决定";
const OUTCOME_LABELS = { released: "核实后放行", kept: "确认暂缓" };

function counted(part) {
  const reasons = Object.entries(part.by_reason).map(([label, n]) => `${esc(label)} ${n} 条`).join("，");
  const notes = [part.released_before ? `${part.released_before} 条此前已核实放行` : "",
    part.unlisted ? `${part.unlisted} 条为名册中没有的案件，仅按领款人核对` : ""].filter(Boolean);
  const carried = notes.length ? `（其中 ${notes.join("，")}）` : "";
  return `通过 ${part.passed} 条${carried}，暂缓 ${part.held} 条${reasons ? `（${reasons}）` : ""}`;
}

async function showScreenings() {
  const list = await api("/api/screenings");
  const overview = await api("/api/overview");
  const counties = Object.keys(overview.by_county);  // a province's
  const upload = state.me.role === "auditor" ? `<form id="upload" class="filters">
      <label>发放表（CSV 或 XLSX）<input type="file" name="file" accept=".csv,.xlsx,.xls,.xlsm,.tsv,.txt" required></label>
      ${counties.length ? `<label>所属区县<select name="county" required><option value="">请选择</option>${counties
        .map(c => `<option value="${esc(c)}">${esc(countyName(overview, c))}</option>`).join("")}</select></label>` : ""}
      <button class="primary" type="submit">上传并审核</button></form>
    <p class="error" id="upload-error"></p>` : `<p class="muted">您的角色只能查看审核结果，不能上传发放表。</p>`;
  main.innerHTML = `<section id="screenings"><h2>发放前审核 <small class="muted">发放表在送银行前与已发布的数据比对</small></h2>
    <p class="hold-note">${HOLD_NOTE}</p>${upload}</section>
    <section><h3>审核记录（最新在前）</h3>
    <div class="scroll"><table id="screening-list"><thead><tr><th>编号</th><th>审核时间</th><th>审核人</th><th>文件</th><th>月份</th>
      <th class="num">记录数</th><th class="num">通过</th><th class="num">暂缓</th><th class="num">已处理</th><th>暂缓原因</th></tr></thead><tbody>
    ${list.map(s => `<tr class="row-link" tabindex="0" aria-label="打开审核记录 ${s.screening_id}" data-screening="${s.screening_id}"><td>${s.screening_id}</td>
      <td>${esc(s.screened_at.replace("T", " ").slice(0, 19))}</td><td>${esc(s.actor)}</td><td>${esc(s.file_name)}</td>
      <td>${esc(s.months.join("、"))}</td><td class="num">${s.lines}</td><td class="num">${s.passed}</td>
      <td class="num">${s.held}</td><td class="num">${s.cleared}</td>
      <td>${Object.entries(s.by_reason).map(([label, n]) => `${esc(label)} ${n}`).join("；")}</td></tr>`).join("")
      || `<tr><td colspan="10" class="muted">尚无发放前审核记录</td></tr>`}</tbody></table></div></section>`;
  main.querySelectorAll("tr[data-screening]").forEach(row => opens(row, `#/screening/${row.dataset.screening}`));
  const form = document.getElementById("upload");
  if (!form) return;
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    button.textContent = "审核中…";
    try {
      const data = new FormData(form);
      const county = data.get("county");
      data.delete("county");
      const query = county ? `?county=${encodeURIComponent(county)}` : "";
      const response = await reach(`/api/screenings${query}`, { method: "POST", body: data,
        headers: { Authorization: `Bearer ${state.token}` } });
      const body = await response.json().catch(() => null);
      if (!response.ok) throw new Error(errorText(body, response));
      location.hash = `#/screening/${body.screening_id}`;
    } catch (error) {
      document.getElementById("upload-error").textContent = `未能审核：${error.message}`;
      button.disabled = false;
      button.textContent = "上传并审核";
    }
  });
}

function clearForm(line) {
  if (state.me.role !== "auditor") return "";
  return `<form class="clear-line" data-line="${line.line_no}">
    <select name="outcome">${Object.entries(OUTCOME_LABELS).map(([k, v]) => `<option value="${k}">${v}</option>`).join("")}</select>
    <input name="note" placeholder="核实情况说明（必填）" required>
    <button type="submit">处理</button></form>`;
}

// How the list was read: which columns were taken, values that could not be read, rows
// that are no payment lines.
function readingSection(s) {
  const notes = s.notes.map(note => `<li>${esc(note)}</li>`).join("");
  const problems = s.problems.map(p => `<li>${esc(p.column)}：${esc(p.problem)}，${p.count} 条${
    (p.rows || []).length ? `（${p.rows.map(esc).join("、")}${p.count > p.rows.length ? "等" : ""}）` : ""}</li>`).join("");
  const skipped = s.skipped.map(r => `<li>${esc(r.sheet ? `${r.sheet} ` : "")}第${r.row}行：${esc(r.reason)}</li>`).join("");
  if (!notes && !problems && !skipped) return "";
  return `<section id="reading"><h3>读取情况</h3>
    ${problems ? `<p>数据问题（这些值未能读取，相关记录可能无法核对）：</p><ul id="problems">${problems}</ul>` : ""}
    ${notes ? `<p>读取说明：</p><ul id="reading-notes">${notes}</ul>` : ""}
    ${skipped ? `<p>未作为发放记录读取的行：</p><ul id="skipped">${skipped}</ul>` : ""}</section>`;
}

async function showScreening(screeningId) {
  const s = await api(`/api/screenings/${screeningId}`);
  const months = Object.entries(s.by_month).map(([month, part]) => `<li>${esc(month)}：${part.lines} 条，${counted(part)}</li>`).join("");
  const rows = s.items.map(line => `<tr data-line="${line.line_no}"><td class="num">${line.line_no}</td>
      <td class="nowrap">${esc(line.sheet ? `${line.sheet} ` : "")}第${line.row_no ?? "—"}行</td><td>${esc(line.case_no)}</td><td>${esc(line.payee_name ?? "")}</td><td>${esc(line.pay_month)}</td>
      <td class="num">${money(line.amount)}</td><td>${line.labels.map(label => `<span class="status">${esc(label)}</span>`).join(" ")}
        <div class="reasons">${esc(line.reasons)}</div></td>
      <td><span class="status ${line.status}">${esc(line.status_label)}</span>
        ${line.history.map(e => `<div class="muted">${esc(e.actor)} ${esc(e.recorded_at.replace("T", " ").slice(0, 16))}：${esc(e.outcome_label)}${e.note ? `，${esc(e.note)}` : ""}</div>`).join("")}
        ${clearForm(line)}</td></tr>`).join("");
  const download = s.file_url && state.me.role === "auditor" ? `<p><a href="#" id="screened-file">下载审核结果文件</a></p>` : "";
  main.innerHTML = `<p><a href="#/screenings">← 返回发放前审核</a></p>
    <section><h2>发放前审核 #${s.screening_id} · ${esc(s.file_name)}</h2>
      <p>${esc(s.screened_at.replace("T", " ").slice(0, 19))} · ${esc(s.actor)} · 共 ${s.lines} 条：${counted(s)} · 已处理 ${s.cleared} 条</p>
      ${months ? `<ul>${months}</ul>` : ""}
      <p class="hold-note">${esc(s.note)}</p>${download}</section>
    ${readingSection(s)}
    <section><h3>暂缓记录</h3><div class="scroll"><table id="held"><thead><tr><th class="num">序号</th><th>位置</th><th>救助证号</th><th>领款人</th><th>发放月份</th>
      <th class="num">金额</th><th>暂缓原因</th><th>处理</th></tr></thead><tbody>
      ${rows || `<tr><td colspan="8" class="muted">本发放表没有暂缓记录</td></tr>`}</tbody></table></div>
      <p class="error" id="clear-error"></p></section>`;
  main.querySelectorAll("form.clear-line").forEach(form => form.addEventListener("submit", async event => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      await api(`/api/screenings/${screeningId}/lines/${form.dataset.line}/clear`, { method: "POST",
        body: JSON.stringify({ outcome: data.get("outcome"), note: data.get("note") }) });
      redraw(showScreening, screeningId, form);
    } catch (error) {
      document.getElementById("clear-error").textContent = `未能保存：${error.message}`;
    }
  }));
  const link = document.getElementById("screened-file");
  if (link) link.onclick = async event => {
    event.preventDefault();
    const shown = document.getElementById("clear-error");
    const response = await reach(s.file_url, { headers: { Authorization: `Bearer ${state.token}` } })
      .catch(error => { shown.textContent = `未能下载：${error.message}`; });
    if (!response) return;
    if (!response.ok) { shown.textContent = "审核结果文件已不在服务器上，请重新上传发放表"; return; }
    const anchor = document.createElement("a");
    anchor.href = URL.createObjectURL(await response.blob());
    anchor.download = `审核-${s.file_name}`;
    anchor.click();
  };
}

// ---------------------------------------------------------------- routing

// What has the keyboard's focus in a view, as a selector that finds it again once the view
// is drawn anew (a chip pressed, the queue's data come): a row, a chip or a named control.
const FOCUS_KEYS = ["case", "type", "township", "screening"];
function focusKey(element) {
  if (!element || !main.contains(element)) return null;
  const key = FOCUS_KEYS.find(k => element.dataset[k] !== undefined);
  if (key) return `[data-${key}="${CSS.escape(element.dataset[key])}"]`;
  return element.id ? `#${CSS.escape(element.id)}` : null;
}

async function route() {
  if (!state.me) return;
  state.turn += 1;
  const [, view, id] = location.hash.split("/");
  const tab = view === "screening" ? "screenings" : view;
  document.querySelectorAll("nav a").forEach(a => a.classList.toggle("active", a.dataset.view === tab));
  // back from a lead, the keyboard lands on its row; else on what it was on
  const back = view === "case" || view === "screening" ? null : state.opened;
  const keep = back ?? focusKey(document.activeElement);
  state.opened = view === "case" && id ? `[data-case="${CSS.escape(id)}"]`
    : view === "screening" && id ? `[data-screening="${CSS.escape(id)}"]` : null;
  try {
    if (view === "case" && id) await showCase(id);
    else if (view === "overview") await showOverview();
    else if (view === "screenings") await showScreenings();
    else if (view === "screening" && id) await showScreening(id);
    else await showQueue();
  } catch (error) {
    if (error.signedOut || error.superseded) return;  // the sign-in form, or the later view, says
    main.innerHTML = `<section class="error">出错了：${esc(error.message)}</section>`;
  }
  if (keep) main.querySelector(keep)?.focus();
}
window.addEventListener("hashchange", route);
// a tab clicked again draws its view anew (no hash change): the way back from an error
document.querySelectorAll("nav a").forEach(a => a.addEventListener("click", () => {
  if (a.getAttribute("href") === location.hash) route();
}));

if (state.token) start().catch(error => showLogin(error.signedOut ? error.message : "")); else showLogin();
