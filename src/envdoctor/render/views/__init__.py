"""What each verb shows, as a Document (envdoctor.render.document): one builder per verb, pure
functions of the verb's typed result. The formatters (envdoctor.render.formats) turn a Document
into text, JSON, Markdown, GitHub annotations or HTML; commands only build and show."""
