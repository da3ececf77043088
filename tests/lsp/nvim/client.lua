-- Headless Neovim 0.7 as a real LSP client of `specloom serve`.
-- Reads SPECLOOM_PYTHON, SPECLOOM_WORKSPACE and SPECLOOM_OUT from the environment and writes what it saw,
-- as JSON, to SPECLOOM_OUT.
local python = os.getenv('SPECLOOM_PYTHON')
local workspace = os.getenv('SPECLOOM_WORKSPACE')
local out = os.getenv('SPECLOOM_OUT')
local seen = { progress = {} }
local published = {} -- uris the server has published for, even an empty list

local id = vim.lsp.start_client({
  name = 'specloom',
  cmd = { python, '-m', 'specloom', 'serve' },
  root_dir = workspace,
  handlers = {
    ['$/progress'] = function(_, result) table.insert(seen.progress, result.value.kind) end,
    ['window/showMessage'] = function(_, result) seen.message = result.message end,
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      published[result.uri] = true
      vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
    end,
  },
})

local function diagnostics_of(file)
  vim.cmd('edit ' .. workspace .. '/' .. file)
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, id)
  local uri = vim.uri_from_bufnr(buf)
  vim.wait(15000, function() return published[uri] ~= nil end, 50)
  local codes = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(codes, { line = d.lnum, code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) })
  end
  return buf, codes
end

local broken_buf, broken = diagnostics_of('broken.yaml')
seen.broken = broken

local buf = diagnostics_of('bookstore.yaml')
local uri = vim.uri_from_bufnr(buf)
local hover = vim.lsp.buf_request_sync(buf, 'textDocument/hover',
  { textDocument = { uri = uri }, position = { line = 14, character = 5 } }, 10000)
for _, r in pairs(hover or {}) do
  if r.result then seen.hover = r.result.contents.value end
end

local actions = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', {
  textDocument = { uri = uri },
  range = { start = { line = 14, character = 4 }, ['end'] = { line = 14, character = 7 } },
  context = { diagnostics = {} },
}, 10000)
seen.actions = {}
local generate
for _, r in pairs(actions or {}) do
  for _, action in ipairs(r.result or {}) do
    table.insert(seen.actions, action.title)
    if action.command and not generate and action.title:find('Generate implementation for GET') then
      generate = action.command
    end
  end
end

if generate then
  local result = vim.lsp.buf_request_sync(buf, 'workspace/executeCommand',
    { command = generate.command, arguments = generate.arguments }, 120000)
  for _, r in pairs(result or {}) do
    if r.result then seen.generated = r.result.outcome end
  end
end

vim.fn.writefile({ vim.fn.json_encode(seen) }, out)
vim.lsp.stop_client(id)
vim.cmd('qa!')
