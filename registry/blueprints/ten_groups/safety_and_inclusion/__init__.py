"""Records of groups 8, 9 and 10 (两后生, 安全技能提升, 残疾人)."""
