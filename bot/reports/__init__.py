"""The board's papers: the XLSX tracker, the DOCX board paper and the CSV, all drawn from one
`BoardPaper` (bot.reports.paper) built as of a date, and frozen once issued (bot.reports.issue)."""
