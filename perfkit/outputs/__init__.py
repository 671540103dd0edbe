"""Step 6: report files written from one analysis: summary.json, the scored .xlsx, the draft .docx."""
