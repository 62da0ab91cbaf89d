fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read(&path).unwrap();
    let mut p = tree_sitter::Parser::new();
    p.set_language(&tree_sitter_md::LANGUAGE.into()).unwrap();
    let t = p.parse(&text, None).unwrap();
    println!("{}", t.root_node().to_sexp());
    let mut mp = tree_sitter_md::MarkdownParser::default();
    let mt = mp.parse(&text, None).unwrap();
    for it in mt.inline_trees() { println!("INLINE {}", it.root_node().to_sexp()); }
}
