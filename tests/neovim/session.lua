-- A user's session in a real Neovim, driven by tests/neovim.rs:
--   nvim --headless --clean -c 'luafile tests/neovim/session.lua'
-- It loads the snippet from docs/editors.md (FMLINT_SNIPPET), edits the
-- corpus FMLINT_CORPUS as a user would, and writes what it saw as JSON to
-- FMLINT_RESULTS: a list of named checks, each ok or not with what was
-- seen. Every wait is bounded, so a broken server fails checks instead of
-- hanging the test. FMLINT_STEPS=short stops after the first diagnostics.

local env = vim.env
local root = env.FMLINT_CORPUS
local results = { checks = {} }
local TIMEOUT = 30000

local function check(name, ok, seen)
  table.insert(results.checks, {
    name = name,
    ok = ok and true or false,
    seen = seen ~= nil and vim.inspect(seen) or vim.NIL,
  })
end

local function wait(condition)
  return vim.wait(TIMEOUT, condition, 10)
end

local function codes(buf)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(out, d.code)
  end
  table.sort(out)
  return out
end

local function has(buf, code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then
      return d
    end
  end
  return nil
end

local function text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
end

local function read(path)
  local f = assert(io.open(path, 'rb'))
  local data = f:read('*a')
  f:close()
  return data
end

local function write(path, data)
  local f = assert(io.open(path, 'wb'))
  f:write(data)
  f:close()
end

local function open(relative)
  vim.cmd.edit(vim.fn.fnameescape(root .. '/' .. relative))
  return vim.api.nvim_get_current_buf()
end

--- The first line of `buf` matching `pattern` (0-based), or nil.
local function line_of(buf, pattern)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if line:match(pattern) then
      return i - 1
    end
  end
  return nil
end

--- Sends a request to the fmlint client of `buf` at (line, col) and waits
--- for its result.
local function request(buf, method, line, col)
  local client = vim.lsp.get_clients({ bufnr = buf, name = 'fmlint' })[1]
  if not client then
    return nil
  end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = line, character = col },
  }
  local response = client:request_sync(method, params, TIMEOUT, buf)
  return response and response.result
end

local progress = {}
vim.api.nvim_create_autocmd('LspProgress', {
  callback = function(ev)
    local value = ev.data and ev.data.params and ev.data.params.value or {}
    if value.kind == 'begin' then
      progress.title = value.title
    elseif value.kind == 'end' then
      progress.ended = true
    end
  end,
})

--- Without fmlint.toml or .git: Neovim finds no root and starts the
--- server in its working directory (the corpus's top folder), which the
--- server takes as the corpus: a reference into another folder resolves.
local function unmarked()
  local comet = open(env.FMLINT_TARGET)
  check('indexing ends', wait(function()
    return progress.ended
  end), progress)
  check('the progress title names the working directory as the root',
    progress.title == 'fmlint: indexing ' .. root, progress.title)
  -- The comet's second reference dangles wherever the root is; its
  -- first, into another folder, only if the root were the comet's folder.
  check('the cross-file findings arrive', wait(function()
    return has(comet, 'dangling-reference') ~= nil
  end), codes(comet))
  local dangling = vim.tbl_filter(function(d)
    return d.code == 'dangling-reference'
  end, vim.diagnostic.get(comet))
  check('a reference into another folder resolves',
    #dangling == 1 and dangling[1].message:find('related_article2', 1, true) ~= nil, dangling)
end

local function session()
  dofile(env.FMLINT_SNIPPET)
  if env.FMLINT_STEPS == 'unmarked' then
    return unmarked()
  end

  -- A broken article: its findings appear.
  local quasar = open(env.FMLINT_BROKEN)
  check('filetype is markdown', vim.bo[quasar].filetype == 'markdown', vim.bo[quasar].filetype)
  check(
    'diagnostics on open',
    wait(function()
      return has(quasar, 'dangling-reference') ~= nil
    end),
    codes(quasar)
  )
  local client = vim.lsp.get_clients({ bufnr = quasar, name = 'fmlint' })[1]
  check('the client runs at the corpus root', client ~= nil and client.root_dir == root, client and client.root_dir)
  if env.FMLINT_STEPS == 'short' then
    return client
  end

  -- A quick fix, with the cursor at the start of the finding's line.
  local finding = has(quasar, 'dangling-reference')
  vim.api.nvim_win_set_cursor(0, { finding.lnum + 1, 0 })
  local before = text(quasar)
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      return action.title == env.FMLINT_FIX_TITLE
    end,
  })
  check('the quick fix edits the buffer', wait(function()
    return text(quasar) ~= before
  end), text(quasar))
  check('the fixed id is in the buffer', text(quasar):find(env.FMLINT_FIXED_LINE, 1, true) ~= nil, text(quasar))
  check('the fixed finding goes', wait(function()
    return has(quasar, 'dangling-reference') == nil
  end), codes(quasar))

  -- Cross-file, live: an unsaved title change in the comet makes the
  -- meteor's mirror of it stale; undoing it clears that.
  local meteor = open(env.FMLINT_REFERRER)
  local comet = open(env.FMLINT_TARGET)

  -- Completion, hover and definition in the meteor's header.
  local id_line = line_of(meteor, '^    id: 1$')
  local items = request(meteor, 'textDocument/completion', id_line, 9)
  items = items and (items.items or items) or {}
  local comet_item = vim.iter(items):find(function(item)
    return item.label == '1'
  end)
  check('completing a reference id offers the article with its title',
    comet_item ~= nil and comet_item.detail == 'What is a comet?', items)
  local hover = request(meteor, 'textDocument/hover', id_line, 8)
  local shown = hover and hover.contents and hover.contents.value or ''
  check('hovering a reference id shows its title', shown:find('What is a comet?', 1, true) ~= nil, hover)
  hover = request(meteor, 'textDocument/hover', line_of(meteor, '^id: '), 0)
  shown = hover and hover.contents and hover.contents.value or ''
  check('hovering a key shows its description', shown:find('Unique across the corpus', 1, true) ~= nil, hover)
  local found = request(meteor, 'textDocument/definition', id_line, 8)
  local target = found and found[1] and vim.uri_to_fname(found[1].uri)
  check('a reference id leads to its article', target == root .. '/' .. env.FMLINT_TARGET, found)

  local title = line_of(comet, '^    What is a comet%?$')
  vim.api.nvim_buf_set_lines(comet, title, title + 1, false, { '    What is a comet, really?' })
  check('an edit in one buffer judges the other again', wait(function()
    return has(meteor, 'stale-reference') ~= nil
  end), codes(meteor))
  vim.api.nvim_buf_set_lines(comet, title, title + 1, false, { '    What is a comet?' })
  check('undoing the edit clears it', wait(function()
    return has(meteor, 'stale-reference') == nil
  end), codes(meteor))

  -- Changes on disk (the comet closed): deleted, restored, rewritten.
  vim.cmd.bwipeout({ comet, bang = true })
  local comet_path = root .. '/' .. env.FMLINT_TARGET
  local comet_text = read(comet_path)
  os.remove(comet_path)
  check('a file deleted on disk leaves its referrer dangling', wait(function()
    return has(meteor, 'dangling-reference') ~= nil
  end), codes(meteor))
  write(comet_path, comet_text)
  check('the file restored clears it', wait(function()
    return has(meteor, 'dangling-reference') == nil
  end), codes(meteor))
  write(comet_path, (comet_text:gsub('    What is a comet%?\n', '    What is a comet, really?\n', 1)))
  check('a file rewritten on disk makes its referrer stale', wait(function()
    return has(meteor, 'stale-reference') ~= nil
  end), codes(meteor))
  write(comet_path, comet_text)
  check('and written back, not', wait(function()
    return has(meteor, 'stale-reference') == nil
  end), codes(meteor))

  -- A file that is not text on disk.
  local nul = open(env.FMLINT_UNREADABLE)
  check('a file with a NUL byte is unreadable-file', wait(function()
    return has(nul, 'unreadable-file') ~= nil
  end), codes(nul))

  return client
end

local ok, err = xpcall(session, debug.traceback)
if not ok then
  check('the session ran to its end', false, err)
end
local client = vim.lsp.get_clients({ name = 'fmlint' })[1]
if client then
  local id = client.id
  client:stop()
  -- A client is forgotten once its server process has exited.
  check('the server stops', wait(function()
    return vim.lsp.get_client_by_id(id) == nil
  end))
else
  check('a client started', false)
end
write(env.FMLINT_RESULTS, vim.json.encode(results))
vim.cmd('qall!')
