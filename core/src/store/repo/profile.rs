//! The signed-in user's profile (`profile`, one row, one envelope).

use rusqlite::OptionalExtension;

use super::{RepoCtx, aad};
use crate::store::codec::{RecordReader, RecordWriter};
use crate::store::error::Result;

const TABLE: &str = "profile";

/// Personal data of the signed-in user.
#[derive(Clone, PartialEq, Eq)]
pub struct Profile {
    /// The server's user id.
    pub user_id: String,
    /// Name shown in the app.
    pub display_name: String,
    /// Phone number, if registered by phone.
    pub phone: Option<String>,
    /// E-mail, if registered by e-mail.
    pub email: Option<String>,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Profile(<redacted>)")
    }
}

/// Access to the stored profile.
pub struct ProfileRepo<'v>(pub(crate) RepoCtx<'v>);

impl ProfileRepo<'_> {
    /// Replaces the stored profile.
    pub fn save(&self, p: &Profile) -> Result<()> {
        let plain = RecordWriter::default()
            .str(&p.user_id)
            .str(&p.display_name)
            .opt_str(p.phone.as_deref())
            .opt_str(p.email.as_deref())
            .finish();
        let env = self
            .0
            .keys
            .columns
            .seal(&aad(TABLE, "body", b"1"), &plain)?;
        self.0.db.write(|tx| {
            tx.execute(
                "INSERT OR REPLACE INTO profile (id, body) VALUES (1, ?1)",
                [env],
            )?;
            Ok(())
        })
    }

    /// The stored profile, if any.
    pub fn load(&self) -> Result<Option<Profile>> {
        let env: Option<Vec<u8>> = self.0.db.read(|c| {
            Ok(
                c.query_row("SELECT body FROM profile WHERE id = 1", [], |r| r.get(0))
                    .optional()?,
            )
        })?;
        let Some(env) = env else { return Ok(None) };
        let plain = self.0.keys.columns.open(&aad(TABLE, "body", b"1"), &env)?;
        let mut r = RecordReader::new(&plain);
        let p = Profile {
            user_id: r.string()?,
            display_name: r.string()?,
            phone: r.opt_string()?,
            email: r.opt_string()?,
        };
        r.end()?;
        Ok(Some(p))
    }

    /// Forgets the profile.
    pub fn clear(&self) -> Result<()> {
        self.0.db.write(|tx| {
            tx.execute("DELETE FROM profile", [])?;
            Ok(())
        })
    }
}
