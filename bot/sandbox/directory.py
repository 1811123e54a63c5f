"""The people of the sandbox workspace: users by id and email, and user groups."""

from __future__ import annotations

from typing import Any


class Directory:
    """Mixed into the workspace: its lock guards these too."""

    users: dict[str, dict[str, Any]]
    usergroups: dict[str, tuple[str, list[str]]]  # id -> (handle, members)

    def _m_users_lookupByEmail(self, args: dict[str, Any]) -> dict[str, Any]:
        for user in self.users.values():
            if user["profile"]["email"].lower() == str(args["email"]).lower():
                return {"ok": True, "user": user}
        return {"ok": False, "error": "users_not_found"}

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(args["user"])
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def _m_usergroups_list(self, args: dict[str, Any]) -> dict[str, Any]:
        groups = [
            {"id": group_id, "handle": handle, "name": handle, "user_count": len(members)}
            for group_id, (handle, members) in self.usergroups.items()
        ]
        return {"ok": True, "usergroups": groups}

    def _m_usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        group = self.usergroups.get(str(args["usergroup"]))
        if group is None:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": list(group[1])}
