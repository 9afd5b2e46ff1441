// Worker entry (placeholder until the worker issue lands).
export {};
