; Blocks that fold, from the tree-sitter-md block tree. Each capture name
; is read by server/src/syntax/folding.rs; a block folds only when it spans
; at least two lines.

(minus_metadata) @frontmatter
(section (atx_heading)) @section
(list) @list
(list_item) @list_item
(fenced_code_block) @code
(indented_code_block) @code
(pipe_table) @table
