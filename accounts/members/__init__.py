"""An organisation's people: invitations by email, roles, removal, leaving, handing over
ownership, and the API-key page. Reads in `selectors`, writes (who may do what) in
`services`; `views` only translate HTTP."""
