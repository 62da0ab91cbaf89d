; Block structure the lowering needs from the tree-sitter-md block tree.
; Each capture name is read by server/src/syntax.rs.

(minus_metadata) @frontmatter
(atx_heading) @heading
(setext_heading) @heading
(fenced_code_block) @fence
(indented_code_block) @code
(list_item) @list_item
(pipe_table_header) @table_header
(pipe_table_row) @table_row
(html_block) @html
