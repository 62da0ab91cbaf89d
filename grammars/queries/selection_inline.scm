; Inline steps of a selection, from the tree-sitter-md inline tree of the
; block text under the cursor, read by server/src/syntax/selection.rs: a
; link's text or destination, then the whole link; the inside of a code
; span or emphasis (such as `**A4:**`), then the span with its delimiters.

(inline_link (link_text) @part)
(inline_link (link_destination) @part)
(image (image_description) @part)
(image (link_destination) @part)
(full_reference_link (link_text) @part)
(full_reference_link (link_label) @part)

[
  (inline_link)
  (image)
  (full_reference_link)
  (collapsed_reference_link)
  (shortcut_link)
  (uri_autolink)
  (email_autolink)
] @link

[
  (code_span)
  (emphasis)
  (strong_emphasis)
] @span
