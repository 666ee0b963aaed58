// Posts: the feed newest first, each author checked here against the signature of the post's
// transaction (not taken on the node's word), and a compose box that signs with the browser wallet.

import { api } from "../api.js";
import { follow } from "../explorer/live.js";
import { paged } from "../explorer/pager.js";
import { coins, errorBox, html, link, when } from "../format.js";
import { utf8 } from "../wallet/bytes.js";
import { session } from "../wallet/keystore.js";
import { sendPost } from "../wallet/spend.js";
import { magicOf } from "../wallet/tx.js";
import { whyUnverified } from "../wallet/verify.js";

const PAGE = 20;
const MAX_POST_BYTES = 512; // mempool/policy.py MAX_DATA_SIZE

// network:txid -> null (verified) or why not: a promise while checking, then the answer itself.
// A transaction never changes, so neither does its answer.
const checks = new Map();
const verdicts = new Map();

export async function render(main, _params, ctx) {
  const { network } = ctx.status;
  const key = session(network);
  main.innerHTML = html`
    <h1>Posts</h1>
    <section id="compose" aria-labelledby="compose-h">
      <h2 id="compose-h">Write a post</h2>
      ${key ? composeForm(key.address) : html`<p>Posts are signed by your browser wallet:
        <a href="#/wallet">create or unlock it</a> to write one.</p>`}
    </section>
    <section aria-labelledby="feed-h">
      <h2 id="feed-h">Feed</h2>
      <div id="feed"></div>
      <div id="feed-error"></div>
    </section>`.markup;

  let posts = []; // the page shown
  const feed = paged(main.querySelector("#feed"), "Pages of posts", async (before) => {
    posts = (await api(`/posts?limit=${PAGE}${before ? `&before=${before}` : ""}`)).posts;
    const body = posts.length ? html`${posts.map((post) => postMarkup(post, network))}`
      : html`<p class="muted">No posts yet.</p>`;
    return { body, next: posts.length === PAGE ? posts[posts.length - 1].txid : null };
  }, {
    back: "Newer posts",
    next: "Older posts",
    shown: (body) => {
      for (const post of posts) {
        if (!verdicts.has(`${network}:${post.txid}`)) showCheck(body, post, ctx);
      }
    },
  });
  const form = main.querySelector("#post-form");
  if (form) composing(form, ctx);
  await feed.ready;
  return follow(ctx, ["block", "tx", "reorg"], feed.refresh, main.querySelector("#feed-error"));
}

function postMarkup(post, network) {
  return html`
    <article class="post" data-txid="${post.txid}">
      <div class="post-meta">
        <a class="hash" href="#/address/${post.author}">${post.author}</a>
        <span class="check">${checkMarkup(verdicts.get(`${network}:${post.txid}`))}</span>
        ${post.height === null ? html`<span class="badge pending">pending</span>`
          : html`<span class="muted">in block ${link("block", post.block, String(post.height))}</span>`}
        <span class="muted">${when(post.time)} · ${link("tx", post.txid)}</span>
      </div>
      <div class="content">${post.content}</div>
    </article>`;
}

// The badge of a check: undefined while it runs, null when the post is proven, else why not.
function checkMarkup(why) {
  if (why === undefined) return html`<span class="badge">checking…</span>`;
  if (why === null) {
    const how = "its transaction's first input is signed by this address's key: checked in your browser";
    return html`<span class="badge ok" title="${how}">verified</span>`;
  }
  return html`<span class="badge bad">unverified</span> <span class="error">${why}</span>`;
}

// Fetches the post's transaction once, checks it, and shows the answer on the post.
async function showCheck(feed, post, ctx) {
  const { network, hrp } = ctx.status;
  const id = `${network}:${post.txid}`;
  if (!checks.has(id)) {
    const check = async () => whyUnverified(post, (await api(`/txs/${post.txid}`)).hex, magicOf(ctx.status), hrp);
    checks.set(id, check().then((why) => {
      verdicts.set(id, why);
      return why;
    }));
  }
  let why;
  try {
    why = await checks.get(id);
  } catch (error) {
    checks.delete(id); // the node did not answer, or this browser cannot hash: tried again next draw
    why = `it could not be checked: ${error.message}`;
  }
  const slot = [...feed.querySelectorAll("article.post")].find((a) => a.dataset.txid === post.txid);
  if (slot) slot.querySelector(".check").innerHTML = checkMarkup(why).markup;
}

// -- writing -------------------------------------------------------------------------------------

function composeForm(address) {
  return html`
    <form id="post-form" class="wallet-form">
      <label for="post-text">Your post</label>
      <textarea id="post-text" rows="4" aria-describedby="post-count post-signer"></textarea>
      <p id="post-count" class="muted">0 / ${MAX_POST_BYTES} bytes</p>
      <p id="post-signer" class="muted">Signed in this browser by <span class="hash">${address}</span>,
        which pays the fee.</p>
      <button type="submit">Sign and post</button>
      <div id="post-result" aria-live="polite"></div>
    </form>`;
}

// The compose box; a post shows in the feed once the node announces it (a `tx` event).
function composing(form, ctx) {
  const { network } = ctx.status;
  const text = form.querySelector("#post-text");
  const counter = form.querySelector("#post-count");
  const out = form.querySelector("#post-result");
  const button = form.querySelector("button");
  const count = () => {
    const size = utf8(text.value).length;
    counter.textContent = size > MAX_POST_BYTES
      ? `${size} / ${MAX_POST_BYTES} bytes: ${size - MAX_POST_BYTES} too many`
      : `${size} / ${MAX_POST_BYTES} bytes`;
    counter.className = size > MAX_POST_BYTES ? "error" : "muted";
    return size;
  };
  text.addEventListener("input", count);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const size = count();
    const key = session(network);
    const refusal = !key ? "The wallet is locked: unlock it on the Wallet page."
      : size === 0 ? "Write something first."
        : size > MAX_POST_BYTES ? `A post holds at most ${MAX_POST_BYTES} bytes of UTF-8; this one has ${size}.`
          : null;
    if (refusal) {
      out.innerHTML = errorBox(new Error(refusal)).markup;
      return;
    }
    button.disabled = true;
    out.innerHTML = html`<p class="muted">Signing…</p>`.markup;
    try {
      const { txid, fee: paid } = await sendPost(key, utf8(text.value), ctx.status);
      text.value = "";
      count();
      const fee = coins(paid, ctx.ticker);
      out.innerHTML = html`<p role="status">Posted ${link("tx", txid)} (fee ${fee}).</p>`.markup;
    } catch (error) {
      out.innerHTML = errorBox(error).markup;
    } finally {
      button.disabled = false;
    }
  });
}
