-- Latency as a Neovim user sees it (not run by the tests; the figures in
-- docs/editors.md come from it). With `fmlint` on PATH and a corpus with
-- fmlint.toml, from the corpus root:
--
--   FMLINT_SNIPPET=snippet.lua FMLINT_A=path/a.md FMLINT_B=path/b.md \
--   FMLINT_RESULTS=out.json nvim --headless --clean -c 'luafile tests/neovim/latency.lua'
--
-- B must be an article A references (A's `related_article1`). Measured,
-- in milliseconds, with Neovim's and fmlint's default debounce:
--   open: `:edit A` to A's first diagnostics, and to the end of indexing;
--   edit: a change in A's buffer to A's diagnostics republished;
--   cross: a change of B's title in B's buffer to A's diagnostics
--   republished (A's mirror of B's title goes stale, then fresh again).

local env = vim.env
local N = tonumber(env.FMLINT_ROUNDS or '20')
local results = { edit = {}, cross = {} }
local published = {}

local function now()
  return vim.uv.hrtime() / 1e6
end

local original = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
  local seen = published[params.uri] or { count = 0 }
  seen.count = seen.count + 1
  seen.at = now()
  published[params.uri] = seen
  return original(err, params, ctx, config)
end

local indexed_at
vim.api.nvim_create_autocmd('LspProgress', {
  callback = function(ev)
    local value = ev.data and ev.data.params and ev.data.params.value
    if value and value.kind == 'end' then
      indexed_at = now()
    end
  end,
})

local function count(uri)
  return (published[uri] or { count = 0 }).count
end

--- Runs `change` and returns the milliseconds until `uri` is published again.
local function timed(uri, change)
  local before = count(uri)
  local start = now()
  change()
  if not vim.wait(30000, function()
    return count(uri) > before
  end, 1) then
    return -1
  end
  return published[uri].at - start
end

dofile(env.FMLINT_SNIPPET)

local start = now()
vim.cmd.edit(env.FMLINT_A)
local a = vim.api.nvim_get_current_buf()
local a_uri = vim.uri_from_bufnr(a)
vim.wait(60000, function()
  return count(a_uri) > 0
end, 1)
results.open_to_first_diagnostics = published[a_uri] and published[a_uri].at - start or -1
vim.wait(120000, function()
  return indexed_at ~= nil
end, 10)
results.open_to_indexed = indexed_at and indexed_at - start or -1
vim.wait(500)

local title_line
for i, line in ipairs(vim.api.nvim_buf_get_lines(a, 0, -1, false)) do
  if line:match('^title: ') then
    title_line = i -- the value is on the next line (`>-`)
    break
  end
end
local a_title = vim.api.nvim_buf_get_lines(a, title_line, title_line + 1, false)[1]
for i = 1, N do
  local text = i % 2 == 1 and a_title .. ' x' or a_title
  table.insert(results.edit, timed(a_uri, function()
    vim.api.nvim_buf_set_lines(a, title_line, title_line + 1, false, { text })
  end))
  vim.wait(300)
end

vim.cmd.edit(env.FMLINT_B)
local b = vim.api.nvim_get_current_buf()
vim.wait(2000)
local b_line
for i, line in ipairs(vim.api.nvim_buf_get_lines(b, 0, -1, false)) do
  if line:match('^title: ') then
    b_line = i
    break
  end
end
local b_title = vim.api.nvim_buf_get_lines(b, b_line, b_line + 1, false)[1]
for i = 1, N do
  local text = i % 2 == 1 and b_title .. ' x' or b_title
  table.insert(results.cross, timed(a_uri, function()
    vim.api.nvim_buf_set_lines(b, b_line, b_line + 1, false, { text })
  end))
  vim.wait(300)
end

local f = assert(io.open(env.FMLINT_RESULTS, 'w'))
f:write(vim.json.encode(results))
f:close()
vim.cmd('qall!')
