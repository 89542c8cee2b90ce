"""Documents are data: lines that address the system, and skills a line says the person lacks,
never become evidence."""

import re

# Text aimed at whoever processes the document rather than describing the person: classic
# injection phrasing, instructions to rate or rank, role-play set-ups.
_INSTRUCTION = re.compile(
    r"ignore (all |any )?(previous|prior|above|earlier) (instructions|prompts?|rules)"
    r"|disregard (the |all |any )?(previous|above|prior)"
    r"|\b(system|developer) prompt\b|\byou are (now )?(an? )?(ai|assistant|language model|chatbot|hr bot)\b"
    r"|\b(assistant|ai|model|chatbot|bot|recruiter|screener)\s*[:,]\s*(please )?"
    r"(rate|rank|score|mark|give|set|list|call|ignore|show|print|export|erase|delete|store|grant|withdraw|send|run"
    r"|analy[sz]e)"
    r"|\b(the )?(assistant|ai|model|chatbot|bot) (must|should|shall|will now)\b"
    r"|\b(rate|rank|score|mark|grade|list)\s+(me|this (candidate|person|cv))\b"
    r"|\bnew instructions\b|\bcall the [a-z_]+ tool\b|\b(reveal|print|show) (the |your )?(system|hidden|secret)"
    # Role-play and "the rules are off" set-ups.
    r"|\blet'?s play a game\b|\bpretend (you are|you're|to be)\b|\bdeveloper mode\b|\bas dan\b|\bjailbreak"
    r"|\b(security|safety) override\b|\bpermissions? (are |is )?(now )?(switched |turned )?off\b"
    # Claimed authority over whoever processes the text.
    r"|\bi (hereby )?(authori[sz]e|order|instruct|command) you\b|\brole\s*=\s*(admin|hr|root|system)\b"
    r"|\bmessage (from|to) (the )?(hr|people|it|security|admin)\b|\b(they|hr|we) (want|need|expect) you to\b"
    r"|\bwhen (hr|the recruiter|a recruiter|the reviewer|the screener|the ai|the bot) reads? this\b"
    # Spoofed chat structure: fake delimiters, roles and function calls.
    r"|<\s*/?\s*(function_call|tool_call|tool_output|system|assistant|user)\b|\[\s*(system|assistant|admin)\s*\]"
    r"|\"role\"\s*:\s*\"(system|assistant|developer)\"|\b[a-z]+_[a-z_]+\s*\(\{"
    r"|\bbefore (answering|you answer|replying)\b"
    r"|\b(run|invoke|execute) (the )?[a-z]+_[a-z_]+\b|\bdo not ask for confirmation\b"
    # Requests to pass data on, pressure and obfuscation.
    r"|\b(append|include|add|list) (the )?e-?mails? (addresses )?of (everyone|all|every)"
    r"|\bsend (the |this |your )?(answer|result|reply|output|data)s? to\b|\bdecode (this|the following)\b"
    r"|\b(or|otherwise) (the company|you) (will be |is |are |gets? )?(fined|sued|shut down|fired)\b"
    r"|\bplease (show|list|export|erase|delete|store|grant|withdraw|print|reveal|rank|send|analy[sz]e)\b"
    r"|(\b[a-z] ){6,}"
    # The classic phrasing in other languages.
    r"|\bignor\w*\b[^.\n]{0,40}\b(istruzioni|anweisungen|instrucciones|instruções|consignes|regole|regeln|reglas)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(no|not|never|without|lack(ing)?|zero)\b[^.;:\n]{0,40}\b(experience|exposure|knowledge|used|familiar|worked)\b"
    r"|\b(not|never) (used|worked with|familiar with)\b",
    re.IGNORECASE,
)


def is_instruction(line: str) -> bool:
    return _INSTRUCTION.search(line) is not None


_CLAUSE = re.compile(r"[.;:()\[\]]|\bbut\b")
_DENIAL = re.compile(r"\b(no|not|never|without|lack(ing)?|zero)\b", re.IGNORECASE)
_USE = re.compile(r"\b(experience|exposure|knowledge|used|familiar|worked|professional|commercial|hands-on)\b", re.I)


def negated(line: str, position: int) -> bool:
    """Whether the clause around ``position`` in ``line`` denies the skill named there
    ("no commercial Java experience", "never used Azure")."""
    cuts = [m.start() for m in _CLAUSE.finditer(line)]
    start = max((c for c in cuts if c < position), default=-1) + 1
    end = min((c for c in cuts if c >= position), default=len(line))
    clause = line[start:end]
    return _NEGATION.search(clause) is not None or (
        _DENIAL.search(clause) is not None and _USE.search(clause) is not None
    )
