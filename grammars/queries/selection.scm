; Blocks a selection grows through, from the tree-sitter-md block tree,
; read by server/src/syntax/selection.rs. Every capture that holds the
; cursor is a step; the steps are ordered by size.

(minus_metadata) @block
(section (atx_heading)) @section
(atx_heading) @heading
(setext_heading) @heading
(list) @list
(list_item) @list_item
(pipe_table) @block
(pipe_table_header) @row
(pipe_table_row) @row
(fenced_code_block) @block
(indented_code_block) @block
(paragraph) @block
(block_quote) @block
(html_block) @block

; Table cells and the text of other blocks: where the inline tree is parsed.
(inline) @inline
(pipe_table_cell) @inline

; Container markers: the content of the cursor's line starts after those
; on it.
(block_continuation) @prefix
(block_quote_marker) @prefix
[
  (list_marker_minus)
  (list_marker_plus)
  (list_marker_star)
  (list_marker_dot)
  (list_marker_parenthesis)
  (task_list_marker_checked)
  (task_list_marker_unchecked)
] @prefix
