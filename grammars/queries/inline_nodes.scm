; Block-tree nodes whose text the inline grammar parses (the same set
; tree-sitter-md's MarkdownParser hands to its inline parser).

(inline) @inline
(pipe_table_cell) @inline
