// The `path` keywords of shared/API.md, declared once; the type follows from the list.

/** straight: IG's line; blur: Blur IG (Xu et al. 2020); guided: Guided IG (Kapishnikov et al. 2021). */
export const PATHS = ['straight', 'blur', 'guided'] as const;
export type IgPathKind = (typeof PATHS)[number];
