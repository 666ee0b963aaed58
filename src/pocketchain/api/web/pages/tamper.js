// Tamper: an editable copy of a real block. Every edit shows at once what it breaks (the txid,
// the merkle tree, the header hash, the signatures, the blocks after it) and the node's own
// verdict from a dry run (POST /blocks/check), which stores nothing. Mining happens here, in a
// Web Worker; the node's chain changes only if the reader submits the block on purpose.

import { api } from "../api.js";
import { coins, errorBox, html, link, parseCoins, Raw } from "../format.js";
import { hex64, targetFromBits } from "../explorer/pow.js";
import { fromDisplay, fromHex, fromUtf8, toDisplay, toHex, utf8 } from "../wallet/bytes.js";
import { decodeAddress, encodeAddress, verify } from "../wallet/keys.js";
import { magicOf, sighash, txid } from "../wallet/tx.js";
import { headerHash, merkleLevels, parseBlock, serializeBlock, serializeHeader } from "../tamper/block.js";
import { chainRow, merkleTree, proofOfWork } from "../tamper/draw.js";

const LATER = 3; // blocks of the active chain shown after the tampered one
const CHECK_DELAY = 200; // ms of quiet typing before the dry run

export async function render(main, [id], ctx) {
  if (!id) return pick(main, ctx);
  const info = await api(/^[0-9]+$/.test(id) ? `/blocks/height/${id}` : `/blocks/${id}`);
  const { hex } = await api(`/blocks/${info.hash}/raw`);
  const original = { ...info, block: parseBlock(fromHex(hex)) };
  original.levels = await merkleLevels(await Promise.all(original.block.txs.map(txidBytes)));
  const [parent, after] = await Promise.all([
    info.height ? api(`/blocks/${info.prev}`) : null,
    laterBlocks(info),
  ]);
  const edited = parseBlock(fromHex(hex)); // a copy of its own: edits never touch `original`
  main.innerHTML = layout(original, edited, ctx).markup;
  const page = new TamperPage(main, ctx, original, edited, parent, after);
  await page.update();
  return () => page.stop();
}

const txidBytes = async (tx) => fromDisplay(await txid(tx));

async function laterBlocks(info) {
  const blocks = [];
  for (let next = info.next; next && blocks.length < LATER;) {
    const block = await api(`/blocks/${next}`);
    blocks.push(block);
    next = block.next;
  }
  return blocks;
}

// -- no block chosen yet ---------------------------------------------------------------------------

function pick(main, ctx) {
  const suggested = Math.max(ctx.status.height - LATER, 0);
  main.innerHTML = html`
    <h1>Tamper with a block</h1>
    <p>Open an editable copy of any block of this node's chain: change a post, an amount, an
      address or a header field and watch what breaks, judged by the node's real rules; then mine it
      again here. Nothing changes the node's chain unless you submit the block on purpose.</p>
    <form id="tamper-pick" class="wallet-form">
      <label for="tamper-id">Block height or hash</label>
      <input id="tamper-id" name="id" value="${suggested}" autocomplete="off" spellcheck="false" required>
      <button type="submit">Open a copy</button>
    </form>`.markup;
  main.querySelector("#tamper-pick").addEventListener("submit", (e) => {
    e.preventDefault();
    const value = new FormData(e.target).get("id").trim().toLowerCase();
    location.hash = `#/tamper/${encodeURIComponent(value)}`;
  });
}

// -- the editable copy -------------------------------------------------------------------------------

function layout(original, edited, ctx) {
  const h = edited.header;
  const field = (name, label, value, extra = "") => html`
    <label for="h-${name}">${label}</label>
    <input id="h-${name}" data-field="${name}" value="${value}" autocomplete="off" spellcheck="false" ${new Raw(extra)}>`;
  return html`
    <h1>Tamper with block ${original.height}</h1>
    <p>An editable copy of block <span class="hash">${link("block", original.hash, original.hash)}</span>. Edit anything below:
      each change is judged by the node in a dry run that stores nothing. The node's chain changes
      only if you submit the block at the bottom.</p>
    <div id="tamper-verdict" class="verdict" aria-live="polite"></div>
    <div class="tamper">
      <section aria-labelledby="header-h" class="tamper-header">
        <h2 id="header-h">Header</h2>
        <form id="tamper-header" class="wallet-form">
          ${field("version", "Version", h.version, 'inputmode="numeric"')}
          ${field("prev", "Previous block (prev)", toDisplay(h.prev))}
          ${field("merkleRoot", "Merkle root", toDisplay(h.merkleRoot))}
          <button id="fix-root" type="button" class="secondary">Fix the merkle root</button>
          ${field("time", "Time (seconds since 1970)", h.time, 'inputmode="numeric"')}
          ${field("bits", "Bits (the target, compact)", h.bits.toString(16).padStart(8, "0"))}
          ${field("nonce", "Nonce", h.nonce, 'inputmode="numeric"')}
          <p><button id="mine" type="button">Mine</button>
            <span id="mine-status" class="muted" aria-live="polite"></span></p>
        </form>
        <div id="tamper-pow-box"></div>
      </section>
      <section aria-labelledby="txs-h" class="tamper-txs">
        <h2 id="txs-h">Transactions (${edited.txs.length})</h2>
        ${edited.txs.map((tx, n) => txForm(tx, n, ctx))}
      </section>
    </div>
    <p id="tamper-input-error" class="error" role="alert" hidden></p>
    <section aria-labelledby="tree-h">
      <h2 id="tree-h">Merkle tree</h2>
      <div id="tamper-tree"></div>
    </section>
    <section aria-labelledby="chain-h">
      <h2 id="chain-h">The chain from here</h2>
      <div id="tamper-chain-box"></div>
    </section>
    <section aria-labelledby="submit-h">
      <h2 id="submit-h">Submit</h2>
      <p class="muted">Hand this block to the node as if it came from a peer. Even valid, it only
        starts a side branch: the node keeps the chain with the most work, and the original has
        blocks on top of it. See the outcome on the <a href="#/chain">Chain page</a>.</p>
      <p><button id="submit-block" type="button" class="secondary">Submit this block to the node</button></p>
      <div id="submit-result" aria-live="polite"></div>
    </section>`;
}

function txForm(tx, n, ctx) {
  const coinbase = n === 0;
  const text = readableText(tx.data);
  const outputs = tx.outputs.map((out, k) => html`<tr>
      <td><input id="tx-${n}-out-${k}-amount" aria-label="Amount of output ${k} of transaction ${n}"
        value="${coins(out.amount)}" inputmode="decimal" autocomplete="off"></td>
      <td><input id="tx-${n}-out-${k}-address" aria-label="Address of output ${k} of transaction ${n}"
        value="${encodeAddress(ctx.status.hrp, out.keyHash)}" autocomplete="off" spellcheck="false"></td>
    </tr>`);
  return html`<fieldset class="tamper-tx" data-tx="${n}">
      <legend>Transaction ${n}${coinbase ? " (coinbase)" : ""}</legend>
      <p>txid <code id="tx-${n}-txid"></code></p>
      <p>${coinbase ? html`<span class="muted">Makes new coins: it spends nothing and carries no signature.</span>`
        : html`Spends ${tx.inputs.map((input) => html`<code>${toDisplay(input.txid).slice(0, 10)}…:${input.vout}</code> `)}
          <span id="tx-${n}-sigs"></span>`}</p>
      <table class="tamper-outputs"><thead><tr><th>Amount (${ctx.ticker})</th><th>To address</th></tr></thead>
        <tbody>${outputs}</tbody></table>
      ${text !== null
        ? html`<label for="tx-${n}-data">${coinbase ? "Coinbase text" : tx.data.length ? "Post text" : "Text (none: not a post)"} of transaction ${n}</label>
          <textarea id="tx-${n}-data" data-kind="text" rows="2" spellcheck="false">${text}</textarea>`
        : html`<label for="tx-${n}-data">Data of transaction ${n} (hex)</label>
          <input id="tx-${n}-data" data-kind="hex" value="${toHex(tx.data)}" autocomplete="off" spellcheck="false">`}
    </fieldset>`;
}

function readableText(bytes) {
  try {
    return fromUtf8(bytes);
  } catch {
    return null;
  }
}

class TamperPage {
  constructor(main, ctx, original, edited, parent, after) {
    Object.assign(this, { main, ctx, original, edited, parent, after });
    this.magic = magicOf(ctx.status);
    this.updates = 0;
    this.checks = 0; // the dry run answered last is the latest one asked
    this.timer = null;
    this.worker = null;
    this.hash = original.hash;
    main.querySelector(".tamper").addEventListener("input", () => this.edit());
    main.querySelector("#fix-root").addEventListener("click", () => this.fixRoot());
    main.querySelector("#mine").addEventListener("click", () => (this.worker ? this.stopMining() : this.mine()));
    main.querySelector("#submit-block").addEventListener("click", () => this.submit());
  }

  stop() {
    this.stopMining();
    clearTimeout(this.timer);
  }

  input(id) {
    return this.main.querySelector(`#${id}`);
  }

  // Reads every field into `edited`; false (and one message) when one is not a valid value.
  read() {
    const problems = [];
    const value = (id, parse, what) => {
      const box = this.input(id);
      let parsed = null;
      try {
        parsed = parse(box.value.trim());
      } catch {
        parsed = null;
      }
      box.setAttribute("aria-invalid", String(parsed === null));
      if (parsed === null) problems.push(what);
      return parsed;
    };
    const u32 = (text) => (/^[0-9]+$/.test(text) && Number(text) <= 0xffffffff ? Number(text) : null);
    const hash = (text) => (/^[0-9a-fA-F]{64}$/.test(text) ? fromDisplay(text.toLowerCase()) : null);
    const h = this.edited.header;
    const header = {
      version: value("h-version", u32, "the version is a number below 2^32"),
      prev: value("h-prev", hash, "prev is a hash of 64 hex digits"),
      merkleRoot: value("h-merkleRoot", hash, "the merkle root is 64 hex digits"),
      time: value("h-time", u32, "the time is a number below 2^32"),
      bits: value("h-bits", (t) => (/^[0-9a-fA-F]{8}$/.test(t) ? parseInt(t, 16) : null), "bits are 8 hex digits"),
      nonce: value("h-nonce", u32, "the nonce is a number below 2^32"),
    };
    const txs = this.edited.txs.map((tx, n) => ({
      ...tx,
      outputs: tx.outputs.map((_, k) => ({
        amount: value(`tx-${n}-out-${k}-amount`, parseCoins, `the amount of output ${k} of transaction ${n} is coins like 1.5`),
        keyHash: value(`tx-${n}-out-${k}-address`, (t) => decodeAddress(this.ctx.status.hrp, t),
          `output ${k} of transaction ${n} pays to an address of this network`),
      })),
      data: value(`tx-${n}-data`, this.input(`tx-${n}-data`).dataset.kind === "hex" ? fromHex : utf8,
        `the data of transaction ${n} is hex`),
    }));
    const error = this.input("tamper-input-error");
    error.hidden = !problems.length;
    error.textContent = problems.length ? `Not a valid block yet: ${problems.join("; ")}.` : "";
    if (problems.length) return false;
    Object.assign(h, header);
    this.edited.txs = txs;
    return true;
  }

  edit() {
    if (this.read()) this.update();
  }

  // Everything the copy's bytes imply, drawn again; then the dry run, once typing pauses.
  async update() {
    const { edited, original } = this;
    const mine = ++this.updates; // a slower, older update must not draw over a newer one
    const txids = await Promise.all(edited.txs.map(txidBytes));
    const levels = await merkleLevels(txids);
    const hash = await headerHash(edited.header);
    const signatures = await Promise.all(edited.txs.map((tx, n) => (n ? this.signatures(tx) : null)));
    if (mine !== this.updates) return;
    this.hash = hash;
    for (const [n, tx] of edited.txs.entries()) {
      const shown = this.input(`tx-${n}-txid`);
      const changed = toDisplay(txids[n]) !== toDisplay(original.levels[0][n]);
      shown.textContent = toDisplay(txids[n]);
      shown.className = changed ? "changed" : "";
      if (n > 0) this.input(`tx-${n}-sigs`).innerHTML = signatures[n].markup;
    }
    this.input("tamper-tree").innerHTML = merkleTree(levels, original.levels, toDisplay(edited.header.merkleRoot)).markup;
    this.input("tamper-pow-box").innerHTML = proofOfWork(this.hash, edited.header.bits).markup;
    this.input("tamper-chain-box").innerHTML = chainRow(this.parent, original, this.hash, this.after).markup;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.check(), CHECK_DELAY);
  }

  // Whether each input's signature still covers the transaction as it is now.
  async signatures(tx) {
    const digest = await sighash(tx, this.magic);
    const valid = await Promise.all(tx.inputs.map((input) => verify(input.pubkey, input.signature, digest)));
    return valid.every(Boolean)
      ? html`<span class="badge ok">signature valid</span>`
      : html`<span class="badge bad">signature broken</span> <span class="muted">the transaction changed
          after its owner signed it, and only the owner's key can sign it again</span>`;
  }

  // The node's verdict on the bytes as they are now.
  async check() {
    const mine = ++this.checks;
    const box = this.input("tamper-verdict");
    let verdict;
    try {
      verdict = await api("/blocks/check", { method: "POST", body: { hex: toHex(serializeBlock(this.edited)) } });
    } catch (error) {
      if (mine === this.checks) box.innerHTML = errorBox(error).markup;
      return;
    }
    if (mine !== this.checks) return;
    box.dataset.code = verdict.valid ? "valid" : verdict.code;
    box.innerHTML = (verdict.valid
      ? html`<p><span class="badge ok">valid</span> The node's rules accept this block at height
          ${verdict.height}.</p>`
      : html`<p><span class="badge bad">invalid</span> <code id="verdict-code">${verdict.code}</code>:
          ${verdict.message}</p>${verdict.rule ? html`<p class="muted">The rule: ${verdict.rule}.</p>` : ""}`).markup;
  }

  async fixRoot() {
    if (!this.read()) return;
    const levels = await merkleLevels(await Promise.all(this.edited.txs.map(txidBytes)));
    this.input("h-merkleRoot").value = toDisplay(levels[levels.length - 1][0]);
    this.edit();
  }

  mine() {
    if (!this.read()) return;
    const status = this.input("mine-status");
    const button = this.input("mine");
    const { header } = this.edited;
    const target = hex64(targetFromBits(header.bits.toString(16).padStart(8, "0")));
    this.worker = new Worker("/web/tamper/miner.js");
    button.textContent = "Stop";
    status.textContent = "Mining…";
    const rate = (m) => `${m.tried.toLocaleString()} hashes, ${Math.round(m.tried / Math.max(m.seconds, 1e-3) / 1000).toLocaleString()} kH/s`;
    this.worker.onmessage = ({ data }) => {
      if (data.nonce === undefined && !data.exhausted) {
        status.textContent = `Mining… ${rate(data)}`;
        return;
      }
      this.stopMining();
      if (data.exhausted) {
        status.textContent = `No nonce works with this header (${rate(data)}): change the time and mine again.`;
        return;
      }
      status.textContent = `Found nonce ${data.nonce} after ${rate(data)} in ${data.seconds.toFixed(2)} s.`;
      this.input("h-nonce").value = data.nonce;
      this.edit();
    };
    this.worker.onerror = (event) => {
      this.stopMining();
      status.textContent = `The miner stopped: ${event.message || "it could not start"}.`;
    };
    this.worker.postMessage({ header: serializeHeader(header), target, from: 0 });
  }

  stopMining() {
    if (!this.worker) return;
    this.worker.terminate();
    this.worker = null;
    this.input("mine").textContent = "Mine";
  }

  async submit() {
    const out = this.input("submit-result");
    try {
      const answer = await api("/blocks", { method: "POST", body: { hex: toHex(serializeBlock(this.edited)) } });
      const why = {
        accepted: "The node took it: look at the Chain page to see where it sits.",
        held: "Valid, but its branch has less work than the active chain, so the node keeps its chain:"
          + " it stores only this block's header (a headers-only tip on the Chain page) and holds the"
          + " block in memory, to store it only if its branch ever catches up.",
        orphan: "The node does not know its parent: it waits for it.",
        duplicate: "The node has this block already: nothing was changed.",
      }[answer.status];
      out.innerHTML = html`<p role="status"><span class="badge">${answer.status}</span> ${why}
        <a href="#/chain">Chain page</a></p>`.markup;
    } catch (error) {
      out.innerHTML = errorBox(error).markup;
    }
  }
}
