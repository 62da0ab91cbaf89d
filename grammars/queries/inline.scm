; Inline constructs that can hold a link target, from the tree-sitter-md
; inline tree.

(inline_link (link_destination) @destination) @link
(image (link_destination) @destination) @link
(code_span) @code_span
