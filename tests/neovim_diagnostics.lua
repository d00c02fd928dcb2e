-- Run by tests/neovim.sh inside headless Neovim: waits for connlint's
-- diagnostics on every loaded buffer, prints them, and quits non-zero if
-- none arrive. `text` is the buffer text under each diagnostic's range, as
-- Neovim mapped the server's UTF-16 positions to bytes.
local timeout = tonumber(os.getenv('CONNLINT_NVIM_TIMEOUT') or '20000')
local buffers = {}
for _, buf in ipairs(vim.api.nvim_list_bufs()) do
  if vim.api.nvim_buf_get_name(buf) ~= '' then
    -- `nvim FILE1 FILE2` loads only the first: load the others and let
    -- their FileType start (or attach) the client too.
    vim.fn.bufload(buf)
    vim.api.nvim_buf_call(buf, function() vim.cmd('filetype detect') end)
    table.insert(buffers, buf)
  end
end

local function all_have_diagnostics()
  for _, buf in ipairs(buffers) do
    if #vim.diagnostic.get(buf) == 0 then
      return false
    end
  end
  return true
end

vim.wait(timeout, all_have_diagnostics, 100)

local out = io.stdout
local v = vim.version()
out:write(('nvim %d.%d.%d\n'):format(v.major, v.minor, v.patch))
local total = 0
for _, buf in ipairs(buffers) do
  local name = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buf), ':t')
  local diagnostics = vim.diagnostic.get(buf)
  table.sort(diagnostics, function(a, b)
    if a.lnum ~= b.lnum then return a.lnum < b.lnum end
    return a.col < b.col
  end)
  out:write(('%s: %d diagnostics\n'):format(name, #diagnostics))
  for _, d in ipairs(diagnostics) do
    total = total + 1
    local ok, text = pcall(vim.api.nvim_buf_get_text, buf, d.lnum, d.col, d.end_lnum, d.end_col, {})
    local under = ok and table.concat(text, '\\n') or '?'
    local message = d.message:gsub('\n', ' | ')
    out:write(('  %s %d:%d-%d:%d text=%q %s\n'):format(
      tostring(d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or '-'),
      d.lnum + 1, d.col + 1, d.end_lnum + 1, d.end_col + 1, under, message))
  end
end
out:flush()
if total == 0 or not all_have_diagnostics() then
  out:write('no diagnostics from connlint\n')
  out:flush()
  vim.cmd('cquit 1')
end
vim.cmd('qa!')
