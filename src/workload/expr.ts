/**
 * Integer expressions of the workload language: a tokenizer and a
 * precedence-climbing parser producing a small AST. Code generation is in
 * compile.ts; this module only knows syntax.
 *
 *   expr    := or
 *   or      := and ("||" and)*
 *   and     := cmp ("&&" cmp)*
 *   cmp     := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
 *   sum     := product (("+" | "-") product)*
 *   product := power (("*" | "/" | "%") power)*
 *   power   := unary ("**" power)?
 *   unary   := ("-" | "!") unary | primary
 *   primary := integer | name | name "(" [expr ("," expr)*] ")" | "(" expr ")"
 */

export type Expr =
  | { kind: "num"; value: number }
  | { kind: "name"; name: string }
  | { kind: "call"; name: string; args: Expr[] }
  | { kind: "unary"; op: "-" | "!"; arg: Expr }
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr };

export type BinaryOp = "||" | "&&" | "<" | "<=" | ">" | ">=" | "==" | "!=" | "+" | "-" | "*" | "/" | "%" | "**";

export class ExprSyntaxError extends Error {}

const TOKEN = /\s*(?:(\d+)|([A-Za-z_][A-Za-z0-9_]*)|(\*\*|<=|>=|==|!=|&&|\|\||[-+*/%<>!(),]))/y;

export function parseExpr(source: string): Expr {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < source.length) {
    if (/^\s*$/.test(source.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(source);
    if (!m) throw new ExprSyntaxError(`unexpected character "${source.slice(pos).trimStart()[0]}" in "${source}"`);
    tokens.push(m[1] ?? m[2] ?? m[3]);
    pos = TOKEN.lastIndex;
  }
  let i = 0;
  const peek = () => tokens[i];
  const take = (t?: string): string => {
    const tok = tokens[i];
    if (tok === undefined) throw new ExprSyntaxError(`unexpected end of "${source}"`);
    if (t !== undefined && tok !== t) throw new ExprSyntaxError(`expected "${t}" but found "${tok}" in "${source}"`);
    i++;
    return tok;
  };
  const binaryLevel = (ops: BinaryOp[], next: () => Expr, repeat = true) => (): Expr => {
    let left = next();
    while (ops.includes(peek() as BinaryOp)) {
      const op = take() as BinaryOp;
      left = { kind: "binary", op, left, right: next() };
      if (!repeat) break;
    }
    return left;
  };
  const primary = (): Expr => {
    const tok = take();
    if (/^\d+$/.test(tok)) {
      const value = Number(tok);
      if (!Number.isSafeInteger(value)) throw new ExprSyntaxError(`integer ${tok} is too large in "${source}"`);
      return { kind: "num", value };
    }
    if (tok === "(") {
      const e = or();
      take(")");
      return e;
    }
    if (/^[A-Za-z_]/.test(tok)) {
      if (peek() !== "(") return { kind: "name", name: tok };
      take("(");
      const args: Expr[] = [];
      if (peek() !== ")") {
        args.push(or());
        while (peek() === ",") {
          take(",");
          args.push(or());
        }
      }
      take(")");
      return { kind: "call", name: tok, args };
    }
    throw new ExprSyntaxError(`unexpected "${tok}" in "${source}"`);
  };
  const unary = (): Expr => {
    if (peek() === "-" || peek() === "!") {
      const op = take() as "-" | "!";
      return { kind: "unary", op, arg: unary() };
    }
    return primary();
  };
  const power = (): Expr => {
    const base = unary();
    if (peek() !== "**") return base;
    take();
    return { kind: "binary", op: "**", left: base, right: power() };
  };
  const product = binaryLevel(["*", "/", "%"], power);
  const sum = binaryLevel(["+", "-"], product);
  const cmp = binaryLevel(["<", "<=", ">", ">=", "==", "!="], sum, false);
  const and = binaryLevel(["&&"], cmp);
  const or = binaryLevel(["||"], and);

  if (tokens.length === 0) throw new ExprSyntaxError("empty expression");
  const e = or();
  if (i < tokens.length) throw new ExprSyntaxError(`unexpected "${tokens[i]}" in "${source}"`);
  return e;
}
