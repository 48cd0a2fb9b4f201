"""The forum family: one spider for MyBB, XenForo, phpBB and custom layouts, its pure parsers,
incremental state and options."""
