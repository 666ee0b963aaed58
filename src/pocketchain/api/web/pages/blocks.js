// Blocks: the active chain, newest first, a page at a time; the newest page follows the tip.

import { api } from "../api.js";
import { html } from "../format.js";
import { follow } from "../explorer/live.js";
import { paged } from "../explorer/pager.js";
import { blockTable } from "../explorer/tables.js";

const PAGE = 20;

export async function render(main, _params, ctx) {
  main.innerHTML = html`<h1>Blocks</h1><div id="blocks-list"></div><div id="blocks-error"></div>`.markup;
  // a page's cursor is the height of its newest block; null for the tip
  const list = paged(main.querySelector("#blocks-list"), "Block pages", async (start) => {
    const query = start === null ? "" : `&start=${start}`;
    const { blocks } = await api(`/blocks?limit=${PAGE}${query}`);
    const oldest = blocks.length ? blocks[blocks.length - 1].height : 0;
    return {
      body: blocks.length ? blockTable(blocks) : html`<p class="muted">No blocks.</p>`,
      note: blocks.length ? `heights ${oldest} to ${blocks[0].height}` : "",
      next: oldest > 0 ? oldest - 1 : null,
    };
  });
  await list.ready;
  return follow(ctx, ["block"], list.refresh, main.querySelector("#blocks-error"));
}
