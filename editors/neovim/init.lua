-- connlint in Neovim: starts `connlint lsp` for the files connlint reads
-- and shows its findings as diagnostics (hover: the rule explained; code
-- action: an inline `connlint: ignore[RULE] reason` comment).
--
-- Use it as a whole init file (`nvim -u editors/neovim/init.lua FILE`), or
-- from your own config:
--
--   dofile('/path/to/connlint/editors/neovim/init.lua')
--   -- or copy this file to ~/.config/nvim/lua/connlint.lua and require('connlint')
--
-- Settings (before loading this file):
--   vim.g.connlint_cmd = { 'connlint', 'lsp' }   -- the server command (default;
--                                                 -- $CONNLINT names the binary too)
--   vim.g.connlint_filetypes = { ... }           -- to replace the list below
--
-- Works with Neovim 0.8+ (vim.lsp.start) and, through the older client
-- API, with Neovim 0.7 (Debian 12 ships 0.7.2).

local M = {}

-- Filetypes of the files connlint reads (scripts, configs, build files,
-- sources): see "What connlint reads" in the README.
M.filetypes = vim.g.connlint_filetypes or {
  'sh', 'bash', 'zsh', 'dosbatch', 'ps1',
  'properties', 'jproperties', 'conf', 'dosini',
  'xml', 'yaml', 'json', 'jsonc', 'toml',
  'dockerfile', 'java', 'kotlin', 'groovy', 'scala', 'cs',
  'python', 'javascript', 'typescript', 'nginx', 'apache', 'registry',
}

local function command()
  if vim.g.connlint_cmd then
    return vim.g.connlint_cmd
  end
  local binary = os.getenv('CONNLINT')
  if binary == nil or binary == '' then
    binary = 'connlint'
  end
  return { binary, 'lsp' }
end

-- The folder holding `.connlint.toml` or `.git` above the file; else the
-- file's own folder.
local function root_dir(path)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  local current = dir
  while current and current ~= '' do
    for _, marker in ipairs({ '.connlint.toml', '.git' }) do
      if vim.loop.fs_stat(current .. '/' .. marker) then
        return current
      end
    end
    local parent = vim.fn.fnamemodify(current, ':h')
    if parent == current then
      break
    end
    current = parent
  end
  return dir
end

local clients_by_root = {} -- Neovim 0.7: one client per root, reused

local function attach(buf)
  local path = vim.api.nvim_buf_get_name(buf)
  if path == '' or vim.bo[buf].buftype ~= '' then
    return
  end
  local root = root_dir(path)
  local config = {
    name = 'connlint',
    cmd = command(),
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
  }
  if vim.lsp.start then
    vim.lsp.start(config, { bufnr = buf })
    return
  end
  local id = clients_by_root[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client(config)
    clients_by_root[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(buf, id)
  end
end

function M.setup()
  local group = vim.api.nvim_create_augroup('connlint', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.filetypes,
    callback = function(args)
      attach(args.buf)
    end,
  })
  -- Files with no filetype that connlint still reads (`.java-version`,
  -- `.tool-versions`, `.sdkmanrc`, `*.vmoptions`, `*.cnf`).
  vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile' }, {
    group = group,
    pattern = { '.java-version', '.tool-versions', '.sdkmanrc', '*.vmoptions', '*.cnf' },
    callback = function(args)
      attach(args.buf)
    end,
  })
end

M.setup()
return M
