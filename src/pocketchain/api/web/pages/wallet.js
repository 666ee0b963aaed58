// Wallet: a key of this browser's own (made or imported here, encrypted in localStorage), its
// address with a QR code, balance and history, sending with a review before signing, the faucet.
// The node never sees the key: transactions are signed here and sent as bytes.

import { api } from "../api.js";
import { follow } from "../explorer/live.js";
import { coins, errorBox, html, link, parseCoins, Raw, when } from "../format.js";
import { qrcode } from "../vendor/qrcode-generator/qrcode.mjs";
import { decodeAddress } from "../wallet/keys.js";
import * as keystore from "../wallet/keystore.js";
import { prepare, scan, signAndSend, spendableCoins } from "../wallet/spend.js";

const MIN_PASSPHRASE = 8;
const HISTORY = 20;
const FAUCET_NETWORKS = ["regtest", "devnet"];

export async function render(main, _params, ctx) {
  const { network, hrp } = ctx.status;
  if (!globalThis.crypto || !crypto.subtle) {
    main.innerHTML = html`<h1>Wallet</h1><p class="error">The browser wallet needs a secure page
      (https, or this node opened as 127.0.0.1 or localhost): here the browser offers no Web Crypto.</p>`.markup;
    return null;
  }
  let stopLive = null;
  const show = () => {
    if (stopLive) stopLive();
    stopLive = null;
    const key = keystore.session(network);
    if (key) stopLive = unlockedView(main, key, ctx, show);
    else if (keystore.stored(network)) lockedView(main, network, hrp, show);
    else setupView(main, network, hrp, show);
  };
  show();
  return () => { if (stopLive) stopLive(); };
}

// -- no wallet yet: create or import -------------------------------------------------------------

function setupView(main, network, hrp, show) {
  main.innerHTML = html`
    <h1>Wallet</h1>
    <p>This wallet lives in this browser. Its key is made here, kept in this browser's storage
      encrypted with your passphrase, and never sent to the node: the node only ever sees
      transactions signed here. A new wallet is one key and one address on ${network}; the
      recovery phrase of a <code>pocketchain wallet</code> imports with all its addresses.</p>
    <div class="wallet-forms">
      <form id="create-form" class="wallet-form" aria-labelledby="create-h">
        <h2 id="create-h">Create a new wallet</h2>
        ${passphraseFields("create")}
        <button type="submit">Create wallet</button>
      </form>
      <form id="import-form" class="wallet-form" aria-labelledby="import-h">
        <h2 id="import-h">Import a key or a recovery phrase</h2>
        <label for="import-secret">Secret key (64 hex digits) or recovery phrase (12 to 24 words)</label>
        <textarea id="import-secret" rows="3" autocomplete="off" spellcheck="false" required></textarea>
        ${passphraseFields("import")}
        <button type="submit">Import wallet</button>
      </form>
    </div>
    <div id="setup-message"></div>`.markup;
  const message = main.querySelector("#setup-message");
  const submit = (prefix, action) => {
    const form = main.querySelector(`#${prefix}-form`);
    // the browser holds a submit back while a field is invalid: typing again clears our objection
    form.addEventListener("input", () => form.querySelector(`#${prefix}-pass`).setCustomValidity(""));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const passphrase = checkedPassphrase(form, prefix);
      if (passphrase === null) return;
      busy(form, message, prefix === "import" ? "Reading and encrypting…" : "Encrypting the key…", async () => {
        await action(passphrase);
        show();
      });
    });
  };
  submit("create", (passphrase) => keystore.create(network, passphrase, hrp));
  submit("import", (passphrase) =>
    keystore.importSecret(network, main.querySelector("#import-secret").value, passphrase, hrp));
}

function passphraseFields(prefix) {
  return html`
    <label for="${prefix}-pass">Passphrase (at least ${MIN_PASSPHRASE} characters)</label>
    <input id="${prefix}-pass" type="password" autocomplete="new-password" required>
    <label for="${prefix}-confirm">Passphrase again</label>
    <input id="${prefix}-confirm" type="password" autocomplete="new-password" required>`;
}

// The passphrase of a create or import form, or null after saying what is wrong with it.
function checkedPassphrase(form, prefix) {
  const pass = form.querySelector(`#${prefix}-pass`);
  const confirm = form.querySelector(`#${prefix}-confirm`);
  const problem = pass.value.length < MIN_PASSPHRASE
    ? `The passphrase needs at least ${MIN_PASSPHRASE} characters.`
    : pass.value !== confirm.value ? "The two passphrases differ." : "";
  pass.setCustomValidity(problem);
  if (problem) {
    form.reportValidity();
    return null;
  }
  return pass.value;
}

// -- a stored wallet, locked ---------------------------------------------------------------------

function lockedView(main, network, hrp, show) {
  main.innerHTML = html`
    <h1>Wallet</h1>
    <p>This browser holds an encrypted wallet for ${network}. <span class="badge pending">locked</span></p>
    <form id="unlock-form" class="wallet-form">
      <label for="unlock-pass">Passphrase</label>
      <input id="unlock-pass" type="password" autocomplete="current-password" required>
      <button type="submit">Unlock</button>
    </form>
    <div id="unlock-message"></div>`.markup;
  const form = main.querySelector("#unlock-form");
  const pass = main.querySelector("#unlock-pass");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const unlocked = await busy(form, main.querySelector("#unlock-message"), "Unlocking…", async () => {
      await keystore.unlock(network, pass.value, hrp);
      show();
    });
    if (!unlocked) pass.select(); // to type it again
  });
  pass.focus();
}

// -- unlocked ------------------------------------------------------------------------------------

function unlockedView(main, key, ctx, show) {
  const { network, hrp } = ctx.status;
  main.innerHTML = html`
    <div class="wallet-head">
      <h1>Wallet</h1>
      <span class="badge ok">unlocked</span>
      <button id="lock" type="button" class="secondary">Lock</button>
    </div>
    <section aria-labelledby="receive-h">
      <h2 id="receive-h">Receive</h2>
      <div class="receive">
        <div class="qr">${qrSvg(key.address)}</div>
        <div>
          <p class="muted">Your address on ${network}</p>
          <p id="my-address" class="hash">${key.address}</p>
          <button id="copy" type="button" class="secondary">Copy address</button>
          <span id="copy-status" class="muted" aria-live="polite"></span>
          ${FAUCET_NETWORKS.includes(network) ? html`
            <p><button id="faucet" type="button">Get coins from the faucet</button></p>
            <div id="faucet-result" aria-live="polite"></div>` : ""}
        </div>
      </div>
    </section>
    <section aria-labelledby="balance-h">
      <h2 id="balance-h">Balance</h2>
      <div id="balance" class="cards balance"></div>
      <div id="balance-error"></div>
    </section>
    <section aria-labelledby="send-h">
      <h2 id="send-h">Send</h2>
      <form id="send-form" class="wallet-form">
        <label for="send-to">Pay to address</label>
        <input id="send-to" autocomplete="off" spellcheck="false" required placeholder="${hrp}1q…">
        <label for="send-amount">Amount (${ctx.ticker})</label>
        <input id="send-amount" inputmode="decimal" autocomplete="off" required placeholder="1.5">
        <button type="submit">Review</button>
      </form>
      <div id="send-review" aria-live="polite"></div>
    </section>
    <section aria-labelledby="history-h">
      <h2 id="history-h">History</h2>
      <div id="history"></div>
      <p>${link("address", key.address, "Everything this address did, in the explorer")}</p>
      <div id="addresses"></div>
    </section>
    <section aria-labelledby="backup-h">
      <h2 id="backup-h">Back up</h2>
      <p class="muted">The ${secretName(key)} is this wallet: anyone who has it can spend its coins. Keep a
        copy somewhere safe; it imports into this page in any browser.</p>
      <form id="reveal-form" class="wallet-form">
        <label for="reveal-pass">Passphrase</label>
        <input id="reveal-pass" type="password" autocomplete="current-password" required>
        <button type="submit" class="secondary">Show ${secretName(key)}</button>
      </form>
      <div id="reveal-out"></div>
    </section>`.markup;

  main.querySelector("#lock").addEventListener("click", () => {
    keystore.lock();
    show();
  });
  main.querySelector("#copy").addEventListener("click", async () => {
    const status = main.querySelector("#copy-status");
    try {
      await navigator.clipboard.writeText(key.address);
      status.textContent = "Copied.";
    } catch {
      getSelection().selectAllChildren(main.querySelector("#my-address"));
      status.textContent = "Selected: copy it with your keyboard.";
    }
  });
  if (FAUCET_NETWORKS.includes(network)) faucetButton(main, key, ctx.ticker);
  sendForm(main, key, ctx);
  revealForm(main, network);
  // the balance and history follow the chain: a payment here shows once the node announces it
  const refresh = () => drawWallet(main, key, ctx.ticker);
  const failed = main.querySelector("#balance-error");
  refresh().catch((error) => { failed.innerHTML = errorBox(error).markup; });
  return follow(ctx, ["block", "tx", "reorg"], refresh, failed);
}

function faucetButton(main, key, ticker) {
  const button = main.querySelector("#faucet");
  const out = main.querySelector("#faucet-result");
  button.addEventListener("click", () => busy(button, out, "Asking the faucet…", async () => {
    const payout = await api("/faucet", { method: "POST", body: { address: key.address } });
    out.innerHTML = html`<p>The faucet sent you ${coins(payout.amount, ticker)} in ${link("tx", payout.txid)};
      it counts once it is in a block.</p>`.markup;
  }));
}

function qrSvg(address) {
  const qr = qrcode(0, "M");
  qr.addData(address.toUpperCase(), "Alphanumeric"); // BIP-173: upper case makes a smaller QR code
  qr.make();
  return new Raw(qr.createSvgTag({ cellSize: 4, margin: 8, scalable: true, title: `QR code of ${address}` }));
}

const secretName = (key) => (key.kind === "words" ? "recovery phrase" : "secret key");

// The balance and history of every address the wallet used (one, for a one-key wallet).
async function drawWallet(main, key, ticker) {
  const { used } = await scan(key);
  const sum = (values) => values.reduce((total, value) => total + BigInt(value), 0n);
  const [now, rows] = await Promise.all([
    Promise.all(used.map(({ key: k }) => spendableCoins(k.address))).then((lists) => sum(lists.flat().map((c) => c.amount))),
    Promise.all(used.map(({ key: k }) => api(`/addresses/${k.address}/txs?limit=${HISTORY}`))),
  ]);
  drawBalance(main, sum(used.map((u) => u.summary.balance)), sum(used.map((u) => u.summary.pending)), now, ticker);
  drawHistory(main, merged(rows.flat()), ticker);
  drawAddresses(main, key, used, ticker);
}

function drawBalance(main, confirmed, pending, now, ticker) {
  const box = main.querySelector("#balance");
  if (!box) return;
  const card = (label, id, units) => html`<div class="card"><div class="label">${label}</div>
    <div class="value" id="${id}" data-units="${units}">${coins(units, ticker)}</div></div>`;
  box.innerHTML = html`${card("Confirmed", "balance-confirmed", confirmed)}
    ${card("Pending", "balance-pending", pending)}
    ${card("Spendable now", "balance-spendable", now)}`.markup;
}

// One row per transaction, whichever of the wallet's addresses it touched, the newest first.
function merged(rows) {
  const byTxid = new Map();
  for (const row of rows) {
    const net = BigInt(row.received) - BigInt(row.sent);
    const seen = byTxid.get(row.txid);
    byTxid.set(row.txid, seen ? { ...seen, net: seen.net + net } : { ...row, net });
  }
  const order = (row) => (row.height === null ? Infinity : row.height);
  return [...byTxid.values()].sort((a, b) => order(b) - order(a) || b.time - a.time).slice(0, HISTORY);
}

function drawHistory(main, rows, ticker) {
  const box = main.querySelector("#history");
  if (!box) return;
  if (!rows.length) {
    box.innerHTML = html`<p class="muted">Nothing yet: receive some coins first.</p>`.markup;
    return;
  }
  const lines = rows.map((row) => html`<tr>
      <td>${when(row.time)}</td>
      <td class="hash">${link("tx", row.txid)}</td>
      <td class="num ${row.net < 0n ? "out" : "in"}">${row.net > 0n ? "+" : ""}${coins(row.net, ticker)}</td>
      <td>${row.height === null ? html`<span class="badge pending">pending</span>`
        : html`<span class="badge ok">${row.confirmations} conf.</span>`}</td>
    </tr>`);
  box.innerHTML = html`<div class="table-wrap"><table>
    <thead><tr><th>When</th><th>Transaction</th><th class="num">Amount</th><th>Status</th></tr></thead>
    <tbody>${lines}</tbody></table></div>`.markup;
}

// A phrase's used addresses, as `pocketchain wallet address --all` lists them.
function drawAddresses(main, key, used, ticker) {
  const box = main.querySelector("#addresses");
  if (!box || key.kind !== "words") return;
  const rows = used.map(({ key: k, summary }) => html`<li><span class="hash">${link("address", k.address, k.address)}</span>
    ${k.chain === 1 ? html`<span class="badge">change</span>` : ""}
    <span class="muted">${coins(summary.balance, ticker)}</span></li>`);
  box.innerHTML = html`<p>The addresses of this recovery phrase that the chain knows:</p>
    <ul id="wallet-addresses">${rows}</ul>`.markup;
}

// The send form: check the address and amount here, show the exact fee, and only then sign.
function sendForm(main, key, ctx) {
  const { hrp } = ctx.status;
  const form = main.querySelector("#send-form");
  const out = main.querySelector("#send-review");
  form.addEventListener("input", () => { out.innerHTML = ""; }); // a review is for what it shows
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    let to;
    try {
      to = decodeAddress(hrp, main.querySelector("#send-to").value);
    } catch (error) {
      out.innerHTML = errorBox(error).markup;
      return;
    }
    const amount = parseCoins(main.querySelector("#send-amount").value);
    if (amount === null || amount <= 0n) {
      const problem = "The amount is coins like 1.5: more than zero, at most 8 decimals.";
      out.innerHTML = errorBox(new Error(problem)).markup;
      return;
    }
    busy(form, out, "Choosing coins…", async () => {
      const address = main.querySelector("#send-to").value.trim();
      const plan = await prepare(key, [{ amount, keyHash: to }], new Uint8Array());
      review(out, plan, address, amount, ctx.ticker, async () => {
        const txid = await signAndSend(plan, ctx.status);
        form.reset();
        out.innerHTML = html`<p role="status">Sent: <span class="hash">${link("tx", txid, txid)}</span>.
          It counts once it is in a block.</p>`.markup;
      });
    });
  });
}

function review(out, plan, address, amount, ticker, send) {
  const change = plan.outputs.length > 1 ? plan.outputs[plan.outputs.length - 1].amount : 0n;
  out.innerHTML = html`
    <div class="review">
      <h3>Review: nothing is signed yet</h3>
      <dl class="fields">
        <dt>To</dt><dd class="hash">${address}</dd>
        <dt>Amount</dt><dd>${coins(amount, ticker)}</dd>
        <dt>Fee</dt><dd id="review-fee" data-units="${plan.fee}">${coins(plan.fee, ticker)}
          <span class="muted">(${plan.feeRate} per byte × ${plan.size} bytes)</span></dd>
        <dt>Total</dt><dd id="review-total">${coins(amount + plan.fee, ticker)}</dd>
        <dt>Change back to you</dt><dd>${coins(change, ticker)}</dd>
        <dt>Coins spent</dt><dd>${plan.coins.length}</dd>
      </dl>
      <p><button id="sign-send" type="button">Sign and send</button>
        <button id="cancel-send" type="button" class="secondary">Cancel</button></p>
      <div id="send-message"></div>
    </div>`.markup;
  const button = out.querySelector("#sign-send");
  out.querySelector("#cancel-send").addEventListener("click", () => { out.innerHTML = ""; });
  button.addEventListener("click", () => busy(button, out.querySelector("#send-message"), "Signing…", send));
  button.focus();
}

function revealForm(main, network) {
  const form = main.querySelector("#reveal-form");
  const out = main.querySelector("#reveal-out");
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    busy(form, out, "Decrypting…", async () => {
      const secret = await keystore.revealSecret(network, main.querySelector("#reveal-pass").value);
      form.reset();
      const name = secret.kind === "words" ? "Recovery phrase" : "Secret key";
      out.innerHTML = html`<p>${name}: <code id="secret-key">${secret.text}</code>
        <button id="hide-secret" type="button" class="secondary">Hide</button></p>`.markup;
      out.querySelector("#hide-secret").addEventListener("click", () => { out.innerHTML = ""; });
    });
  });
}

// Runs `work` with its form or button disabled and a note in `out`; an error is shown in `out`.
// True when the work succeeded.
async function busy(control, out, note, work) {
  const controls = control.tagName === "FORM" ? control.querySelectorAll("button, input") : [control];
  for (const c of controls) c.disabled = true;
  out.innerHTML = html`<p class="muted">${note}</p>`.markup;
  const shown = out.firstElementChild;
  try {
    await work();
    if (out.contains(shown)) shown.remove();
    return true;
  } catch (error) {
    out.innerHTML = errorBox(error).markup;
    return false;
  } finally {
    for (const c of controls) c.disabled = false;
  }
}
